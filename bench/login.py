"""Login benchmark: throughput and latency of `POST /api/v1/session` through the gateway.

Starts its own RabbitMQ, SecantusDB, SMTP recorder and the four services on free ports in a
temp dir, creates accounts through the real sign-up, then logs them in concurrently. Prints
the figures beside the cost of one argon2id verification at the service's parameters.

    .venv/bin/python bench/login.py [--logins 600] [--concurrency 16] [--accounts 20]
"""

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from journeys import ANSWER, PASSWORD, sign_up  # bench/, beside this script
from scoreboard import Row

from devstack.mail_recorder import MailRecorder
from devstack.processes import Stack, cpu_seconds, free_port
from devstack.system import (
    SERVICES,
    Endpoints,
    load_sirene_sample,
    service_env,
    start_mongodb,
    start_rabbitmq,
    start_service,
    wait_ready,
)
from identity.adapters.argon2_password_hasher import MEMORY_COST_KIB, PARALLELISM, TIME_COST, Argon2PasswordHasher

GOAL_PER_CORE = 20


def hash_cost_ms(samples: int = 20) -> float:
    hasher = Argon2PasswordHasher()
    digest = asyncio.run(hasher.hash(PASSWORD))
    started = time.perf_counter()
    for _ in range(samples):
        asyncio.run(hasher.verify(digest, PASSWORD))
    return (time.perf_counter() - started) / samples * 1000


def create_accounts(gateway: str, mail: MailRecorder, count: int) -> list[str]:
    emails = [f"bench.{index}.{os.getpid()}@centre-formation.fr" for index in range(count)]
    with httpx.Client(base_url=gateway, timeout=30) as client:
        for email in emails:
            sign_up(client, mail, email, "000010116")
    return emails


async def run_logins(gateway: str, emails: list[str], logins: int, concurrency: int) -> tuple[list[float], float, int]:
    latencies: list[float] = []
    failures = 0
    counter = iter(range(logins))

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal failures
        for index in counter:
            captcha = (await client.post("/api/v1/captchas")).json()["captcha_id"]
            started = time.perf_counter()
            response = await client.post(
                "/api/v1/session",
                json={
                    "email": emails[index % len(emails)],
                    "password": PASSWORD,
                    "captcha_id": captcha,
                    "captcha_answer": ANSWER,
                },
            )
            latencies.append(time.perf_counter() - started)
            failures += response.status_code != 200
            client.cookies.clear()

    async with httpx.AsyncClient(base_url=gateway, timeout=30) as client:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return latencies, elapsed, failures


@dataclass
class Result:
    latencies: list[float]
    elapsed: float
    failures: int
    cpu: dict[str, float]  # CPU-seconds of each process during the measured logins
    concurrency: int

    @property
    def identity_rate(self) -> float:
        """Logins per CPU-second of the identity service: its share of one core."""
        return len(self.latencies) / self.cpu["identity"] if self.cpu["identity"] else float("inf")


def run(args: argparse.Namespace) -> Result:
    stack, mail = Stack(), MailRecorder(free_port())
    state = Path(tempfile.mkdtemp(prefix="efp-bench-"))
    mail.start()
    try:
        node = start_rabbitmq(stack, state, free_port(), free_port(), management=False)
        endpoints = Endpoints(node.amqp_url, start_mongodb(stack, state, free_port()), mail.url)
        port = free_port()
        env = service_env(
            endpoints,
            state,
            port,
            {
                "EFP_ENVIRONMENT": "test",
                "EFP_CAPTCHA_TEST_ANSWER": ANSWER,
                "EFP_LOG_LEVEL": "WARNING",
                # One client address and a few accounts stand for many people here.
                "IDENTITY_LOGIN_PER_IP_PER_MINUTE": "1000000",
                "IDENTITY_CAPTCHA_CREATIONS_PER_IP_PER_MINUTE": "1000000",
                "IDENTITY_CAPTCHA_MEDIA_PER_IP_PER_MINUTE": "1000000",
                "NOTIFICATION_RATE_LIMIT_PER_REQUESTER": "0",
                "IDENTITY_LOGIN_PER_ADDRESS_PER_5_MINUTES": "1000000",
            },
        )
        load_sirene_sample(env, state / "logs")
        children = {name: start_service(stack, name, env, state / "logs") for name in (*SERVICES, "gateway")}
        gateway = f"http://127.0.0.1:{port}"
        wait_ready(gateway, children)
        emails = create_accounts(gateway, mail, args.accounts)
        asyncio.run(run_logins(gateway, emails, 40, 4))  # warm-up
        groups = {name: child.pid for name, child in children.items()}
        secantus = next(child for child in stack.children if child.name == "secantusdb")
        groups |= {"rabbitmq": node.child.pid, "secantusdb": secantus.pid}
        before = {name: cpu_seconds(pid) for name, pid in groups.items()}
        latencies, elapsed, failures = asyncio.run(run_logins(gateway, emails, args.logins, args.concurrency))
        cpu = {name: cpu_seconds(pid) - before[name] for name, pid in groups.items()}
    finally:
        stack.stop()
        mail.stop()
    return Result(latencies, elapsed, failures, cpu, args.concurrency)


def report(result: Result) -> None:
    cores = os.cpu_count() or 1
    logins = len(result.latencies)
    quantiles = statistics.quantiles(result.latencies, n=100)
    print(f"argon2id parameters      t={TIME_COST}, m={MEMORY_COST_KIB // 1024} MiB, p={PARALLELISM}")
    print(f"one verification         {hash_cost_ms():.1f} ms (in process)")
    print(f"logins                   {logins} at concurrency {result.concurrency}, {result.failures} failed")
    print(
        f"throughput               {logins / result.elapsed:.1f} logins/s on {cores} cores, "
        "shared with the stores and the client"
    )
    print(f"latency                  p50 {quantiles[49] * 1000:.0f} ms, p99 {quantiles[98] * 1000:.0f} ms")
    print("CPU per login            " + ", ".join(f"{n} {c / logins * 1000:.1f} ms" for n, c in result.cpu.items()))
    print(
        f"identity alone           {result.identity_rate:.1f} logins per CPU-second   goal >= {GOAL_PER_CORE} per core"
    )


def rows(result: Result) -> list[Row]:
    # Per core: the identity service's own CPU, whatever else the two cores carry (stores, gateway, client).
    met = result.identity_rate >= GOAL_PER_CORE and not result.failures
    measured = f"{result.identity_rate:.1f}/s ({result.failures} failed)"
    return [Row("login per core (identity CPU)", measured, f"≥ {GOAL_PER_CORE}/s", met, result.identity_rate)]


def parser() -> argparse.ArgumentParser:
    parsed = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parsed.add_argument("--logins", type=int, default=600)
    parsed.add_argument("--concurrency", type=int, default=16)
    parsed.add_argument("--accounts", type=int, default=20)
    return parsed


def main() -> None:
    result = run(parser().parse_args())
    report(result)
    sys.exit(1 if result.failures else 0)


if __name__ == "__main__":
    main()
