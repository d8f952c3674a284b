"""OIDC sign-in benchmark: what signing in to an application with EFP Connect costs beside a plain login.

Starts its own RabbitMQ, SecantusDB, SMTP recorder, the four services and the web service on free
ports in a temp dir (as bench/login.py and bench/web_pages.py do), with one bench relying party in
EFP_OIDC_DEV_CLIENTS. Its accounts are access managers (an active CERES habilitation), made through
the real sign-up and activation. Then, in one run, side by side:

- plain logins: `POST /api/v1/session` at the gateway, as bench/login.py;
- full sign-ins by HTTP (no browser): `/oidc/authorize` → the web's login form → the code at the
  redirect URI → `/oidc/token` → `/oidc/userinfo`; in rounds alternating with the logins;
- code exchanges alone: codes issued by single sign-on (a web session already open), then exchanged
  at `/oidc/token` concurrently.

Prints CPU-seconds of identity + gateway + web per sign-in and per login, their ratio, and the token
exchange's throughput and latency. Figures, not assertions.

    .venv/bin/python bench/oidc_sign_in.py [--sign-ins 200] [--round 40] [--exchanges 600] [--concurrency 8]
        [--accounts 4]
"""

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from journeys import ANSWER  # bench/, beside this script
from login import run_logins
from oidc_relying_party import AGENT, CLIENT, authorize, exchange, make_managers
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
    wait_web,
    web_env,
)

MEASURED = ("identity", "gateway", "web")  # the processes a sign-in's CPU is counted on
RATIO_GOAL = 1.5


@dataclass
class Phase:
    """One measured phase: its count, wall time, latencies of the step timed, failures, CPU per process."""

    count: int = 0
    elapsed: float = 0.0
    latencies: list[float] = field(default_factory=list)
    failures: int = 0
    cpu: dict[str, float] = field(default_factory=dict)

    def cpu_per(self, names: tuple[str, ...] = MEASURED) -> float:
        return sum(self.cpu[name] for name in names) / self.count if self.count else float("nan")

    def add(self, part: "Phase") -> None:
        self.count += part.count
        self.elapsed += part.elapsed
        self.latencies += part.latencies
        self.failures += part.failures
        self.cpu = {name: self.cpu.get(name, 0.0) + spent for name, spent in part.cpu.items()}


async def run_sign_ins(web_url: str, gateway_url: str, emails: list[str], count: int, concurrency: int) -> Phase:
    phase = Phase(count=count)
    counter = iter(range(count))

    async def worker(gateway: httpx.AsyncClient) -> None:
        for index in counter:
            # A new browser each time: no web session yet, so the sign-in logs in.
            async with httpx.AsyncClient(base_url=web_url, timeout=30, headers={"Origin": web_url}) as web:
                try:
                    code, verifier = await authorize(web, emails[index % len(emails)])
                    started = time.perf_counter()
                    tokens = await exchange(gateway, code, verifier)
                    phase.latencies.append(time.perf_counter() - started)
                    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
                    (await gateway.get("/oidc/userinfo", headers=bearer)).raise_for_status()
                except (RuntimeError, httpx.HTTPError, KeyError) as error:
                    phase.failures += 1
                    print(f"sign-in failed: {error}", file=sys.stderr)

    async with httpx.AsyncClient(base_url=gateway_url, timeout=30) as gateway:
        started = time.perf_counter()
        await asyncio.gather(*(worker(gateway) for _ in range(concurrency)))
        phase.elapsed = time.perf_counter() - started
    return phase


async def sso_browsers(web_url: str, emails: list[str], concurrency: int) -> list[httpx.AsyncClient]:
    """One logged-in web session per worker: a session holds one pending sign-in at a time."""
    browsers = []
    for index in range(concurrency):
        web = httpx.AsyncClient(base_url=web_url, timeout=30, headers={"Origin": web_url})
        await authorize(web, emails[index % len(emails)])  # logs in; this first code is left unused
        browsers.append(web)
    return browsers


async def issue_codes(browsers: list[httpx.AsyncClient], count: int) -> list[tuple[str, str]]:
    codes: list[tuple[str, str]] = []
    counter = iter(range(count))

    async def worker(web: httpx.AsyncClient) -> None:
        for _ in counter:
            codes.append(await authorize(web, None))

    await asyncio.gather(*(worker(web) for web in browsers))
    return codes


async def run_exchanges(gateway_url: str, codes: list[tuple[str, str]], concurrency: int, phase: Phase) -> None:
    pending = iter(codes)

    async def worker(gateway: httpx.AsyncClient) -> None:
        for code, verifier in pending:
            started = time.perf_counter()
            try:
                await exchange(gateway, code, verifier)
            except (RuntimeError, httpx.HTTPError) as error:
                phase.failures += 1
                print(f"exchange failed: {error}", file=sys.stderr)
            phase.latencies.append(time.perf_counter() - started)

    async with httpx.AsyncClient(base_url=gateway_url, timeout=30) as gateway:
        started = time.perf_counter()
        await asyncio.gather(*(worker(gateway) for _ in range(concurrency)))
        phase.elapsed += time.perf_counter() - started
    phase.count += len(codes)


@dataclass
class Result:
    logins: Phase
    sign_ins: Phase
    exchanges: Phase
    concurrency: int

    @property
    def ratio(self) -> float:
        return self.sign_ins.cpu_per() / self.logins.cpu_per()

    @property
    def exchange_rate(self) -> float:
        """Code exchanges per CPU-second of the identity service: its share of one core."""
        identity = self.exchanges.cpu["identity"]
        return self.exchanges.count / identity if identity else float("inf")

    @property
    def ok(self) -> bool:
        return not (self.logins.failures or self.sign_ins.failures or self.exchanges.failures)


class Meter:
    """CPU-seconds each process spent between `start()` and `stop()`."""

    def __init__(self, pids: dict[str, int]) -> None:
        self.pids = pids
        self.before: dict[str, float] = {}

    def start(self) -> None:
        self.before = {name: cpu_seconds(pid) for name, pid in self.pids.items()}

    def stop(self) -> dict[str, float]:
        return {name: cpu_seconds(pid) - self.before[name] for name, pid in self.pids.items()}


async def measure(web_url: str, gateway_url: str, emails: list[str], args: argparse.Namespace, meter: Meter) -> Result:
    await run_sign_ins(web_url, gateway_url, emails, 8, 2)  # warm-up
    await run_logins(gateway_url, emails, 8, 2)
    logins, sign_ins = Phase(), Phase()
    # Logins and sign-ins in alternating rounds: the cores are shared, and a change in their load
    # while one kind runs would otherwise weigh on that kind alone.
    for start in range(0, args.sign_ins, args.round):
        size = min(args.round, args.sign_ins - start)
        meter.start()
        latencies, elapsed, failures = await run_logins(gateway_url, emails, size, args.concurrency)
        logins.add(Phase(len(latencies), elapsed, latencies, sum(failures.values()), meter.stop()))
        meter.start()
        part = await run_sign_ins(web_url, gateway_url, emails, size, args.concurrency)
        part.cpu = meter.stop()
        sign_ins.add(part)
    exchanges = Phase(cpu=dict.fromkeys(meter.pids, 0.0))
    browsers = await sso_browsers(web_url, emails, args.concurrency)
    try:
        # Batches well inside a code's 60 s lifetime; only the exchanges are metered.
        for start in range(0, args.exchanges, args.batch):
            codes = await issue_codes(browsers, min(args.batch, args.exchanges - start))
            meter.start()
            await run_exchanges(gateway_url, codes, args.concurrency, exchanges)
            exchanges.cpu = {name: exchanges.cpu[name] + spent for name, spent in meter.stop().items()}
    finally:
        for web in browsers:
            await web.aclose()
    return Result(logins, sign_ins, exchanges, args.concurrency)


def run(args: argparse.Namespace) -> Result:
    stack, mail = Stack(), MailRecorder(free_port())
    state = Path(tempfile.mkdtemp(prefix="efp-bench-oidc-"))
    mail.start()
    try:
        node = start_rabbitmq(stack, state, free_port(), free_port(), management=False)
        endpoints = Endpoints(node.amqp_url, start_mongodb(stack, state, free_port()), mail.url)
        gateway_port, web_port = free_port(), free_port()
        extra = {
            "EFP_ENVIRONMENT": "test",
            "EFP_CAPTCHA_TEST_ANSWER": ANSWER,
            "EFP_LOG_LEVEL": "WARNING",
            "EFP_BOOTSTRAP_AGENT_EMAIL": AGENT[0],
            "EFP_BOOTSTRAP_AGENT_PASSWORD": AGENT[1],
            # One client address and a few accounts stand for many people here.
            "IDENTITY_LOGIN_PER_IP_PER_MINUTE": "1000000",
            "IDENTITY_CAPTCHA_CREATIONS_PER_IP_PER_MINUTE": "1000000",
            "IDENTITY_CAPTCHA_MEDIA_PER_IP_PER_MINUTE": "1000000",
            "NOTIFICATION_RATE_LIMIT_PER_REQUESTER": "0",
            "IDENTITY_LOGIN_PER_ADDRESS_PER_5_MINUTES": "1000000",
            "EFP_OIDC_DEV_CLIENTS": json.dumps([CLIENT]),
            # The agent and the managers log in with a password alone, as in the e2e tests: issuing their
            # activation codes would otherwise need a proved second factor (403 since they became required).
            "HABILITATION_SECOND_FACTOR_REQUIRED": "false",
            **web_env(gateway_port, web_port),
        }
        env = service_env(endpoints, state, gateway_port, extra)
        load_sirene_sample(env, state / "logs")
        children = {name: start_service(stack, name, env, state / "logs") for name in (*SERVICES, "gateway")}
        gateway_url, web_url = f"http://127.0.0.1:{gateway_port}", f"http://127.0.0.1:{web_port}"
        wait_ready(gateway_url, children)
        children["web"] = start_service(stack, "web", env, state / "logs")
        wait_web(web_url, children["web"])
        emails = make_managers(gateway_url, mail, args.accounts)
        secantus = next(child for child in stack.children if child.name == "secantusdb")
        pids = {name: child.pid for name, child in children.items()}
        pids |= {"rabbitmq": node.child.pid, "secantusdb": secantus.pid}
        result = asyncio.run(measure(web_url, gateway_url, emails, args, Meter(pids)))
    finally:
        stack.stop()
        mail.stop()
    return result


def _quantiles(values: list[float]) -> str:
    if len(values) < 2:
        return "not enough samples"
    cuts = statistics.quantiles(values, n=100)
    return f"p50 {cuts[49] * 1000:.1f} ms, p99 {cuts[98] * 1000:.1f} ms"


def report(result: Result) -> None:
    logins, sign_ins, exchanges = result.logins, result.sign_ins, result.exchanges
    cores = os.cpu_count() or 1
    print(f"concurrency              {result.concurrency}, on {cores} cores shared with the stores and the client")
    print(f"plain logins             {logins.count} in {logins.elapsed:.1f} s, {logins.failures} failed")
    print(f"OIDC sign-ins            {sign_ins.count} in {sign_ins.elapsed:.1f} s, {sign_ins.failures} failed")
    print(f"  token exchange         {_quantiles(sign_ins.latencies)} (within a sign-in)")
    for name, phase in (("plain login", logins), ("OIDC sign-in", sign_ins)):
        shares = ", ".join(f"{n} {c / phase.count * 1000:.1f}" for n, c in phase.cpu.items())
        print(f"CPU per {name:<16} {phase.cpu_per() * 1000:.1f} ms (identity+gateway+web); ms each: {shares}")
    print(f"sign-in ÷ login CPU      {result.ratio:.2f}×   goal ≤ {RATIO_GOAL}×")
    print(
        f"code exchanges           {exchanges.count} in {exchanges.elapsed:.1f} s = "
        f"{exchanges.count / exchanges.elapsed:.0f}/s wall, {exchanges.failures} failed"
    )
    print(f"  latency                {_quantiles(exchanges.latencies)}")
    shares = ", ".join(f"{n} {c / exchanges.count * 1000:.2f}" for n, c in exchanges.cpu.items())
    print(f"  CPU per exchange       ms each: {shares}")
    print(f"  identity alone         {result.exchange_rate:.0f} exchanges per CPU-second")


def rows(result: Result) -> list[Row]:
    failed = f" ({result.exchanges.failures} failed)" if result.exchanges.failures else ""
    sign_in_failed = result.logins.failures + result.sign_ins.failures
    return [
        Row(
            "OIDC code exchanges/s (identity CPU)",
            f"{result.exchange_rate:.0f}/s{failed}",
            "(figure)",
            not result.exchanges.failures,
            result.exchange_rate,
        ),
        Row(
            "sign-in CPU ÷ plain login CPU",
            f"{result.ratio:.2f}×" + (f" ({sign_in_failed} failed)" if sign_in_failed else ""),
            f"≤ {RATIO_GOAL}×",
            result.ratio <= RATIO_GOAL and not sign_in_failed,
            result.ratio,
        ),
    ]


def parser() -> argparse.ArgumentParser:
    parsed = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parsed.add_argument("--sign-ins", type=int, default=200, help="plain logins, and as many OIDC sign-ins")
    parsed.add_argument("--round", type=int, default=40, help="logins, then sign-ins, this many at a time")
    parsed.add_argument("--exchanges", type=int, default=600)
    parsed.add_argument("--batch", type=int, default=200, help="codes issued, then exchanged, at a time")
    parsed.add_argument("--concurrency", type=int, default=8)
    parsed.add_argument("--accounts", type=int, default=4)
    return parsed


def main() -> None:
    result = run(parser().parse_args())
    report(result)
    sys.exit(0 if result.ok else 1)


if __name__ == "__main__":
    main()
