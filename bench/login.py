"""Login benchmark: throughput and latency of `POST /api/v1/session` through the gateway.

Starts its own RabbitMQ, SecantusDB, SMTP recorder and the four services on free ports in a
temp dir, creates accounts through the real sign-up, then logs them in concurrently. The goal is a
ratio measured in the same run: the identity service's CPU per login ÷ the CPU of one argon2id
verification at the service's parameters (timed in this process right after the logins, the stack
still up), so that what a login costs beyond its one hash is visible whatever the machine's speed.
Failed logins are printed with their status and body.

    .venv/bin/python bench/login.py [--logins 600] [--concurrency 16] [--accounts 20] [--profile out.txt]
"""

import argparse
import asyncio
import os
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from emails import profile  # bench/, beside this script
from journeys import ANSWER, PASSWORD, sign_up
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

GOAL_RATIO = 1.3


def verification_cpu_ms(samples: int = 20) -> float:
    """CPU milliseconds of one argon2id verification at the service's parameters, in this process."""
    hasher = Argon2PasswordHasher()
    digest = asyncio.run(hasher.hash(PASSWORD))
    started = time.process_time()
    for _ in range(samples):
        asyncio.run(hasher.verify(digest, PASSWORD))
    return (time.process_time() - started) / samples * 1000


def create_accounts(gateway: str, mail: MailRecorder, count: int) -> list[str]:
    emails = [f"bench.{index}.{os.getpid()}@centre-formation.fr" for index in range(count)]
    with httpx.Client(base_url=gateway, timeout=30) as client:
        for email in emails:
            sign_up(client, mail, email, "000010116")
    return emails


async def run_logins(
    gateway: str, emails: list[str], logins: int, concurrency: int
) -> tuple[list[float], float, Counter[str]]:
    latencies: list[float] = []
    failures: Counter[str] = Counter()  # "<step> <status> <body>" → how many
    counter = iter(range(logins))

    async def worker(client: httpx.AsyncClient) -> None:
        for index in counter:
            created = await client.post("/api/v1/captchas")
            if created.status_code != 201:
                failures[f"captcha {created.status_code} {created.text[:300]}"] += 1
                continue
            captcha = created.json()["captcha_id"]
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
            if response.status_code != 200:
                failures[f"login {response.status_code} {response.text[:300]}"] += 1
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
    failed: Counter[str]
    cpu: dict[str, float]  # CPU-seconds of each process during the measured logins
    concurrency: int
    verification_ms: float = 0.0  # CPU of one argon2id verification, in this process, same run
    warm_up_failed: Counter[str] = field(default_factory=Counter)

    @property
    def failures(self) -> int:
        return sum(self.failed.values())

    @property
    def identity_ms(self) -> float:
        """The identity service's CPU milliseconds per login."""
        return self.cpu["identity"] / len(self.latencies) * 1000 if self.latencies else float("inf")

    @property
    def ratio(self) -> float:
        return self.identity_ms / self.verification_ms if self.verification_ms else float("inf")

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
        _, _, warm_up_failed = asyncio.run(run_logins(gateway, emails, 40, 4))
        groups = {name: child.pid for name, child in children.items()}
        secantus = next(child for child in stack.children if child.name == "secantusdb")
        groups |= {"rabbitmq": node.child.pid, "secantusdb": secantus.pid}
        profiler = profile(children["identity"].pid, args.profile) if args.profile else None
        before = {name: cpu_seconds(pid) for name, pid in groups.items()}
        latencies, elapsed, failed = asyncio.run(run_logins(gateway, emails, args.logins, args.concurrency))
        cpu = {name: cpu_seconds(pid) - before[name] for name, pid in groups.items()}
        if profiler is not None:
            profiler.send_signal(signal.SIGINT)  # py-spy writes its output when interrupted
            profiler.wait(60)
        # The other side of the ratio, on the same machine in the same state (the stack up, idle).
        verification = verification_cpu_ms()
    finally:
        stack.stop()
        mail.stop()
    return Result(latencies, elapsed, failed, cpu, args.concurrency, verification, warm_up_failed)


def report(result: Result) -> None:
    cores = os.cpu_count() or 1
    logins = len(result.latencies)
    quantiles = statistics.quantiles(result.latencies, n=100)
    print(f"argon2id parameters      t={TIME_COST}, m={MEMORY_COST_KIB // 1024} MiB, p={PARALLELISM}")
    print(f"one verification         {result.verification_ms:.1f} ms of CPU (in this process, same run)")
    print(f"logins                   {logins} at concurrency {result.concurrency}, {result.failures} failed")
    for what, count in [*result.warm_up_failed.items(), *result.failed.items()]:
        print(f"  failed ×{count:<4}         {what}")
    print(
        f"throughput               {logins / result.elapsed:.1f} logins/s on {cores} cores, "
        "shared with the stores and the client"
    )
    print(f"latency                  p50 {quantiles[49] * 1000:.0f} ms, p99 {quantiles[98] * 1000:.0f} ms")
    print("CPU per login            " + ", ".join(f"{n} {c / logins * 1000:.1f} ms" for n, c in result.cpu.items()))
    print(f"identity alone           {result.identity_rate:.1f} logins per CPU-second")
    met = "met" if result.ratio <= GOAL_RATIO else "MISSED"
    print(
        f"ratio                    {result.identity_ms:.1f} ms ÷ {result.verification_ms:.1f} ms = "
        f"{result.ratio:.2f}   goal <= {GOAL_RATIO}: {met}"
    )


def rows(result: Result) -> list[Row]:
    # The identity service's own CPU, whatever else the two cores carry (stores, gateway, client).
    met = result.ratio <= GOAL_RATIO and not result.failures
    sides = f"{result.identity_ms:.1f} ÷ {result.verification_ms:.1f} ms"
    measured = f"{result.ratio:.2f} ({sides}, {result.failures} failed)"
    return [Row("login: identity CPU ÷ one argon2id verification", measured, f"≤ {GOAL_RATIO}", met, result.ratio)]


def parser() -> argparse.ArgumentParser:
    parsed = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parsed.add_argument("--logins", type=int, default=600)
    parsed.add_argument("--concurrency", type=int, default=16)
    parsed.add_argument("--accounts", type=int, default=20)
    parsed.add_argument("--profile", help="py-spy profile of identity during the logins (.svg or .txt); needs py-spy")
    return parsed


def main() -> None:
    result = run(parser().parse_args())
    report(result)
    sys.exit(1 if result.failures else 0)


if __name__ == "__main__":
    main()
