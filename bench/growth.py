"""Cost growth: the same operations at 1k, 10k and 100k habilitations, in an organisation of 1k and of 10k users.

Starts its own RabbitMQ, SecantusDB, SMTP recorder and the four services on free ports in a temp dir.
Two organisations of the SIRENE sample get `--users` members each (identity accounts, habilitation's
copies and listing, one pending access request and one sent invitation per member, a habilitation for
one in twenty: bench/growth_data.py, written in bulk through the repositories' own `add`); their
managers are activated through the API (an agent's code, the charter). Then for each total of
`--habilitations` (ascending: made-up people and organisations fill the rest, with a tenth as many
requests and invitations), the gateway is restarted, so that its authorization copy is loaded from
the snapshot of that size, and each operation is timed in turn for `--seconds`, one request at a time:

- an authorization check (`GET /api/v1/authorizations/check`, as bench/authorizations.py, held and not);
- a login (captcha, then `POST /api/v1/session`, of a seeded member);
- for each organisation: a page of its users, of its pending access requests and of its sent
  invitations (the manager's pages in the web), and the manager's `GET /api/v1/me`.

Figure: the CPU of every process but the bench (gateway, identity, habilitation, broker, store) per
operation, steadier than latency on a shared machine; p50/p99 latency beside it. Goal: largest size
÷ smallest ≤ 1.5× (organisation operations: the large organisation at the largest total ÷ the small
one at the smallest). Then the store's query plan of each list (bench/growth_plans.py).
SecantusDB's planner is rule-based: an equality prefix then a sort always reads the organisation's
index entries and sorts them (`SORT`); only COLLSCANs can be removed with an index there. The
gateway's snapshot pages read `_id` windows bounded at both ends (an `_id` hint decoded and sorted
the whole collection for each page, a load growing with the square of the habilitations); the copy's
start-up load is timed too (alone, without the stack: bench/snapshot.py).

    .venv/bin/python bench/growth.py [--habilitations 1000,10000,100000] [--users 1000,10000] [--seconds 3]
"""

import argparse
import asyncio
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from growth_data import Organisation, Seeder
from growth_plans import Plan, describe, plans
from http_load import Check, flat_out
from journeys import ANSWER, PASSWORD, log_in, sign_up
from scoreboard import Row

from devstack.mail_recorder import MailRecorder
from devstack.processes import Child, Stack, cpu_seconds, free_port, wait_until
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
from efp_runtime.mongo import create_mongo_client
from identity.adapters.argon2_password_hasher import Argon2PasswordHasher

AGENT = ("agent.croissance@travail.gouv.fr", "Agent-Croissance-Pa55word!")
API_KEY = f"bench-{uuid.uuid4().hex}"
SMALL = ("000016220", ("00001622000014", "00001622000022", "00001622000030"))
LARGE = ("000010116", ("00001011600010", "00001011600028", "00001011600036", "00001011600044", "00001011600051"))
GOAL_RATIO = 1.5
PROCESSES = ("gateway", "identity", "habilitation", "rabbitmq", "secantusdb")


@dataclass
class Measure:
    by_process: dict[str, float]  # CPU ms per operation of each process but the bench, idle taken off
    latencies: list[float]
    failures: int

    @property
    def cpu_ms(self) -> float:
        return sum(self.by_process.values())

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies) * 1000

    @property
    def p99(self) -> float:
        return statistics.quantiles(self.latencies, n=100)[98] * 1000 if len(self.latencies) > 1 else self.p50


@dataclass
class Result:
    args: argparse.Namespace
    # Operation → (total habilitations, organisation size or 0) → its measure.
    figures: dict[str, dict[tuple[int, int], Measure]] = field(default_factory=dict)
    seeding: list[str] = field(default_factory=list)
    idle: dict[int, float] = field(default_factory=dict)  # total habilitations → idle CPU-seconds a second
    snapshot: dict[int, float] = field(default_factory=dict)  # total → seconds to the gateway's loaded copy
    plans: list[Plan] = field(default_factory=list)

    def ratio(self, operation: str) -> float:
        sizes = sorted(self.figures[operation])
        return self.figures[operation][sizes[-1]].cpu_ms / self.figures[operation][sizes[0]].cpu_ms

    @property
    def ok(self) -> bool:
        failed = any(m.failures for sizes in self.figures.values() for m in sizes.values())
        return not failed and all(plan.stages for plan in self.plans)


class System:
    """The processes and their CPU clocks; the gateway can be restarted over a grown store."""

    def __init__(self, stack: Stack, env: dict[str, str], logs: Path, children: dict[str, Child]) -> None:
        self.stack, self.env, self.logs, self.children = stack, env, logs, children
        self.idle_rate = dict.fromkeys(PROCESSES, 0.0)

    def cpu(self) -> dict[str, float]:
        return {name: cpu_seconds(self.children[name].pid) for name in PROCESSES}

    def idle(self, seconds: float) -> float:
        """CPU-seconds a second with no request (the outbox relays' polls): taken off each operation's."""
        before = self.cpu()
        time.sleep(seconds)
        self.idle_rate = {name: spent / seconds for name, spent in self.since(before, 0).items()}
        return sum(self.idle_rate.values())

    def since(self, before: dict[str, float], elapsed: float) -> dict[str, float]:
        """CPU-seconds of each process since `before`, less what idling `elapsed` seconds costs."""
        now = self.cpu()
        return {name: now[name] - before[name] - self.idle_rate[name] * elapsed for name in PROCESSES}

    def restart_gateway(self, gateway: str, copy_size: int) -> float:
        """Seconds from the restart until the copy holds `copy_size` habilitations."""
        self.children["gateway"].stop()
        log = self.logs / "gateway.log"
        seen = log.read_text(errors="replace").count("authorization copy loaded") if log.exists() else 0
        # INFO for the gateway alone: its copy says when it is loaded, and with how many. A snapshot page
        # takes SecantusDB seconds at 100,000 (see the docstring): the gateway's default snapshot wait covers it.
        env = {**self.env, "EFP_LOG_LEVEL": "INFO"}
        started = time.perf_counter()
        self.children["gateway"] = start_service(self.stack, "gateway", env, self.logs)
        wait_ready(gateway, self.children, timeout=180)

        def loaded() -> bool:
            sizes = [int(n) for n in re.findall(r"authorization copy loaded: (\d+)", log.read_text(errors="replace"))]
            return len(sizes) > seen and sizes[-1] >= copy_size  # the managers' own habilitations come on top

        wait_until(loaded, 1200, f"the gateway's copy of {copy_size:,} habilitations", interval=0.5)
        return time.perf_counter() - started


def timed(system: System, seconds: float, operation: Callable[[], bool], at_least: int = 5) -> Measure:
    """One request at a time for `seconds` (and `at_least` of them): a cheap operation gets more samples."""
    operation()  # warm-up: the first of each kind opens connections and fills caches
    latencies: list[float] = []
    failures = 0
    before, began = system.cpu(), time.perf_counter()
    while len(latencies) < at_least or time.perf_counter() - began < seconds:
        started = time.perf_counter()
        failures += not operation()
        latencies.append(time.perf_counter() - started)
    spent = system.since(before, time.perf_counter() - began)
    return Measure({name: cpu / len(latencies) * 1000 for name, cpu in spent.items()}, latencies, failures)


def page(client: httpx.Client, path: str, total: int) -> Callable[[], bool]:
    def get() -> bool:
        answer = client.get(path)
        return answer.status_code == 200 and answer.json()["total"] >= total and len(answer.json()["items"]) == 50

    return get


def login(gateway: str, emails: list[str]) -> Callable[[], bool]:
    turn = iter(range(sys.maxsize))

    def one() -> bool:
        with httpx.Client(base_url=gateway, timeout=30) as client:
            captcha = client.post("/api/v1/captchas").json()["captcha_id"]
            body = {"email": emails[next(turn) % len(emails)], "password": PASSWORD}
            answer = client.post("/api/v1/session", json={**body, "captcha_id": captcha, "captcha_answer": ANSWER})
            return answer.status_code == 200

    return one


def activate(gateway: str, mail: MailRecorder, agent: httpx.Client, siren: str, siret: str) -> httpx.Client:
    """A manager for `siren`: an agent's activation code, the sign-up, the activation and the charter."""
    issued = agent.post("/api/v1/agent/activation-codes", json={"siret": siret, "service": "ceres"})
    manager = httpx.Client(base_url=gateway, timeout=30)
    email = f"responsable.{uuid.uuid4().hex[:8]}@centre-formation.fr"
    sign_up(manager, mail, email, siren)
    log_in(manager, email)
    started = manager.post(
        "/api/v1/activations", json={"siret": siret, "activation_code": issued.raise_for_status().json()["code"]}
    ).raise_for_status()
    manager.post(f"/api/v1/activations/{started.json()['activation_id']}/accept-charter", json={"accept": True})
    return manager


def measure_size(
    result: Result, system: System, port: int, seeder: Seeder, managers: dict[Organisation, httpx.Client]
) -> None:
    args, total = result.args, seeder.habilitations
    held = [Check(key, True, API_KEY) for key in seeder.held[:: max(1, len(seeder.held) // 2000)]]
    strangers = [Check((str(uuid.uuid4()), "ceres", "centre_agree", c.key[3]), False, API_KEY) for c in held]
    checks = [check for pair in zip(held, strangers, strict=True) for check in pair]
    result.idle[total] = system.idle(args.idle_seconds)
    before = system.cpu()
    run = asyncio.run(flat_out(port, checks, 1, args.seconds))
    spent = system.since(before, run.elapsed)
    per_check = {name: cpu / max(1, len(run.latencies)) * 1000 for name, cpu in spent.items()}
    result.figures.setdefault("authorization check", {})[(total, 0)] = Measure(
        per_check, run.latencies, run.failures + run.wrong
    )
    gateway = f"http://127.0.0.1:{port}"
    emails = [org.email(n) for org in managers for n in range(1, 6)]
    result.figures.setdefault("login", {})[(total, 0)] = timed(system, args.seconds, login(gateway, emails))
    for org, client in managers.items():
        base = f"/api/v1/organisations/{org.siren}"
        operations = {
            "users page": page(client, f"{base}/users", org.members),
            "access requests page (pending)": page(client, f"{base}/access-requests?status=pending", org.members),
            "invitations page (sent)": page(client, f"{base}/invitations?status=sent", org.members),
            "GET /me of a manager": lambda client=client: client.get("/api/v1/me").status_code == 200,  # type: ignore[misc]
        }
        for name, operation in operations.items():
            result.figures.setdefault(name, {})[(total, org.members)] = timed(system, args.seconds, operation)
    print(f"measured at {total:,} habilitations", flush=True)


def run(args: argparse.Namespace) -> Result:
    result = Result(args)
    stack, mail = Stack(), MailRecorder(free_port())
    state = Path(tempfile.mkdtemp(prefix="efp-bench-growth-"))
    mail.start()
    managers: dict[Organisation, httpx.Client] = {}
    try:
        node = start_rabbitmq(stack, state, free_port(), free_port(), management=False)
        mongodb_url = start_mongodb(stack, state, free_port())
        port = free_port()
        env = service_env(
            Endpoints(node.amqp_url, mongodb_url, mail.url),
            state,
            port,
            {
                "EFP_ENVIRONMENT": "test",
                "EFP_CAPTCHA_TEST_ANSWER": ANSWER,
                "EFP_LOG_LEVEL": "WARNING",
                "EFP_SERVICE_API_KEYS": API_KEY,
                "EFP_BOOTSTRAP_AGENT_EMAIL": AGENT[0],
                "EFP_BOOTSTRAP_AGENT_PASSWORD": AGENT[1],
                # Cost growth, not the second factor: managers and the agent log in with a password (as the suite).
                "HABILITATION_SECOND_FACTOR_REQUIRED": "false",
                # One client address and a few accounts stand for many people here (as bench/login.py).
                "IDENTITY_LOGIN_PER_IP_PER_MINUTE": "1000000",
                "IDENTITY_CAPTCHA_CREATIONS_PER_IP_PER_MINUTE": "1000000",
                "IDENTITY_CAPTCHA_MEDIA_PER_IP_PER_MINUTE": "1000000",
                "IDENTITY_LOGIN_PER_ADDRESS_PER_5_MINUTES": "1000000",
                "NOTIFICATION_RATE_LIMIT_PER_REQUESTER": "0",
                # The sweeps are bench/sweeper.py's: here they would land in one size's figures and not another's.
                "HABILITATION_SWEEP_SECONDS": "3600",
                "IDENTITY_SWEEP_SECONDS": "3600",
            },
        )
        small, large = args.users
        organisations = [Organisation(*SMALL, small), Organisation(*LARGE, large)]
        password_hash = asyncio.run(Argon2PasswordHasher().hash(PASSWORD))
        seeder = asyncio.run(seed(mongodb_url, organisations, password_hash, args.habilitations[0], result))
        load_sirene_sample(env, state / "logs")
        children = {name: start_service(stack, name, env, state / "logs") for name in (*SERVICES, "gateway")}
        gateway = f"http://127.0.0.1:{port}"
        wait_ready(gateway, children, timeout=180)
        secantus = next(child for child in stack.children if child.name == "secantusdb")
        system = System(stack, env, state / "logs", {**children, "rabbitmq": node.child, "secantusdb": secantus})
        with httpx.Client(base_url=gateway, timeout=30) as agent:
            log_in(agent, *AGENT)
            managers = {org: activate(gateway, mail, agent, org.siren, org.sirets[0]) for org in organisations}
        for total in args.habilitations:
            if total > seeder.habilitations:
                asyncio.run(grow(seeder, mongodb_url, total, result))
            result.snapshot[seeder.habilitations] = system.restart_gateway(gateway, seeder.habilitations)
            measure_size(result, system, port, seeder, managers)
        manager_id = managers[organisations[1]].get("/api/v1/me").json()["account_id"]
        result.plans = asyncio.run(plans(mongodb_url, "habilitation", organisations[1].siren, manager_id))
    finally:
        for client in managers.values():
            client.close()
        stack.stop()
        mail.stop()
    return result


async def seed(url: str, organisations: list[Organisation], password_hash: str, total: int, result: Result) -> Seeder:
    client = create_mongo_client(url)
    seeder = Seeder(client["identity"], client["habilitation"])
    started = time.perf_counter()
    await seeder.indexes()
    for organisation in organisations:
        await seeder.members(organisation, password_hash)
        await seeder.check_listing(organisation)
    await seeder.others(total)
    await client.close()
    members = sum(org.members for org in organisations)
    result.seeding.append(
        f"{members:,} members, {seeder.habilitations:,} habilitations in {time.perf_counter() - started:.1f} s"
    )
    return seeder


async def grow(seeder: Seeder, url: str, total: int, result: Result) -> None:
    client = create_mongo_client(url)
    seeder.rebind(client["identity"], client["habilitation"])
    started = time.perf_counter()
    await seeder.others(total)
    await client.close()
    result.seeding.append(f"grown to {total:,} habilitations in {time.perf_counter() - started:.1f} s")


def report(result: Result) -> None:
    for line in result.seeding:
        print(f"seeded                   {line}")
    idle = ", ".join(f"{total:,}: {rate * 1000:.0f} ms/s" for total, rate in result.idle.items())
    print(f"idle CPU (outbox polls)  {idle}; taken off each figure pro rata")
    loads = ", ".join(f"{total:,}: {seconds:.0f} s" for total, seconds in result.snapshot.items())
    print(f"gateway start to copy    {loads} (its start-up snapshot, paged RPC)")
    print("per operation: CPU ms of every process but the bench (p50 / p99 latency ms), one request at a time")
    for operation, sizes in result.figures.items():
        cells = [
            f"{total:,}{f' × {org:,}' if org else ''}: {m.cpu_ms:.1f} ({m.p50:.0f} / {m.p99:.0f})"
            + (f" {m.failures} FAILED" if m.failures else "")
            for (total, org), m in sorted(sizes.items())
        ]
        print(f"{operation:<32} {result.ratio(operation):.2f}×   " + "; ".join(cells))
    for operation, sizes in result.figures.items():
        totals = sorted({total for total, _ in sizes})
        organisations = sorted({org for _, org in sizes})
        if len(organisations) > 1:
            by_org = sizes[(totals[-1], organisations[-1])].cpu_ms / sizes[(totals[-1], organisations[0])].cpu_ms
            by_total = sizes[(totals[-1], organisations[0])].cpu_ms / sizes[(totals[0], organisations[0])].cpu_ms
            print(f"{operation:<32} large ÷ small organisation {by_org:.2f}×, largest ÷ smallest total {by_total:.2f}×")
    print("where it goes at the largest size (CPU ms per operation; smallest size in brackets)")
    for operation, sizes in result.figures.items():
        first, last = sizes[min(sizes)], sizes[max(sizes)]
        shares = ", ".join(f"{name} {last.by_process[name]:.1f} ({first.by_process[name]:.1f})" for name in PROCESSES)
        print(f"{operation:<32} {shares}")
    print("query plans (large organisation, largest size):")
    for plan in result.plans:
        print(describe(plan))


def rows(result: Result) -> list[Row]:
    wrong = "" if result.ok else " (failures)"
    table = []
    for operation in result.figures:
        ratio = result.ratio(operation)
        met = result.ok and ratio <= GOAL_RATIO
        name = f"growth: {operation} (CPU, largest ÷ smallest)"
        table.append(Row(name, f"{ratio:.2f}×{wrong}", f"≤ {GOAL_RATIO}×", met, ratio))
    return table


def sizes(text: str) -> list[int]:
    return sorted(int(size) for size in text.split(","))


def parser() -> argparse.ArgumentParser:
    parsed = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parsed.add_argument("--habilitations", type=sizes, default=[1_000, 10_000, 100_000])
    parsed.add_argument(
        "--users", type=sizes, default=[1_000, 10_000], help="members of the small and large organisation"
    )
    parsed.add_argument("--seconds", type=float, default=2, help="of each operation at each size (5 at least)")
    parsed.add_argument("--idle-seconds", type=float, default=4, help="idle CPU measured at each size")
    return parsed


def main() -> None:
    result = run(parser().parse_args())
    report(result)
    sys.exit(0 if result.ok else 1)


if __name__ == "__main__":
    main()
