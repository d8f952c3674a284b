"""Authorization-check benchmark: `GET /api/v1/authorizations/check` through the gateway, paced and flat out.

The gateway answers from its in-memory copy of the active habilitations, kept by the habilitation
service's events (gateway/authorization_feed.py). Starts its own RabbitMQ, SecantusDB, SMTP recorder
and the four services on free ports in a temp dir (as bench/login.py does). Before the services start
it writes `--preload` active habilitations straight into the habilitation database (the gateway's
start-up snapshot reads them); then a manager, activated with an agent's code, grants habilitations
through the gateway and revokes one, each change awaited in the answers (how stale a check can be).
The checks mix held habilitations (granted through the API or preloaded) and ones nobody holds, and
every answer is verified.

Two runs: `--rate` checks a second for `--seconds` (open loop: each check leaves at its scheduled
time whatever the previous ones do, and its latency counts from that time), then as many as
`--concurrency` connections carry for `--seconds`. The client is a bare HTTP/1.1 keep-alive client
on asyncio streams, so that on a small machine it leaves the CPU to the system under test.

The goal is a ratio measured in the same run: the flat-out checks/s through the gateway ÷ the checks/s
of a bare FastAPI endpoint (bench/bare_endpoint.py: the same route, query parameters and JSON answer
from a dict, under uvicorn with the gateway's settings), driven by the same client with the same
checks and connections: ≥ 0.8. The two sides alternate in rounds (`--seconds` each in all), so that a
change in the machine's load weighs on both alike. The paced p99 stays in the report, and beside the
ratio the CPU per check of the gateway process and of the bare one.

    .venv/bin/python bench/authorizations.py [--rate 200] [--seconds 10] [--concurrency 32] [--preload 20000]
"""

import argparse
import asyncio
import json
import os
import signal
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from authorization_data import AGENT, API_KEY, HABILITATION_DATABASE, Granted, grant_through_the_api, mix, preload
from emails import profile  # bench/, beside this script
from http_load import Run, flat_out, paced
from journeys import ANSWER
from scoreboard import Row

from contracts.authorizations import ListActiveHabilitationsV1
from devstack.mail_recorder import MailRecorder
from devstack.processes import Stack, cpu_seconds, free_port, port_open, spawn, wait_until
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
from efp_runtime.rpc import RpcClient

GOAL_P99_MS = 15  # the report's absolute figure
GOAL_RATIO = 0.8
BARE_ENDPOINT = Path(__file__).resolve().parent / "bare_endpoint.py"
BARE = "bare FastAPI"
ROUNDS = 4  # flat-out rounds of each side, alternating


def figures(name: str, run: Run) -> str:
    done = len(run.latencies)
    if done < 2:
        return f"{name:<24} no answers ({run.failures} failed)"
    quantiles = statistics.quantiles(run.latencies, n=100)
    return (
        f"{name:<24} {done / run.elapsed:7.1f} checks/s   p50 {quantiles[49] * 1000:5.1f} ms   "
        f"p99 {quantiles[98] * 1000:5.1f} ms   {run.failures} failed, {run.wrong} wrong answers ({done} answered)"
    )


@dataclass
class Result:
    args: argparse.Namespace
    inserted: float  # seconds to insert the preloaded habilitations
    load_seconds: float  # the start-up snapshot through the RPC
    snapshot_size: int
    granted: Granted
    runs: dict[str, Run]  # the paced run, then the flat-out one
    cpu: dict[str, dict[str, float]]

    @property
    def paced_p99_ms(self) -> float:
        paced_run = next(iter(self.runs.values()))
        return statistics.quantiles(paced_run.latencies, n=100)[98] * 1000

    @property
    def flat_rate(self) -> float:
        flat_run = list(self.runs.values())[1]
        return len(flat_run.latencies) / flat_run.elapsed

    @property
    def bare_rate(self) -> float:
        bare_run = self.runs.get(BARE)
        return len(bare_run.latencies) / bare_run.elapsed if bare_run and bare_run.elapsed else 0.0

    @property
    def ratio(self) -> float:
        return self.flat_rate / self.bare_rate if self.bare_rate else 0.0

    @property
    def ok(self) -> bool:
        return not any(run.failures or run.wrong for run in self.runs.values())


def run(args: argparse.Namespace) -> Result:
    stack, mail = Stack(), MailRecorder(free_port())
    state = Path(tempfile.mkdtemp(prefix="efp-bench-authorizations-"))
    mail.start()
    cpu: dict[str, dict[str, float]] = {}
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
                "HABILITATION_DATABASE": HABILITATION_DATABASE,
                # The agent and the manager log in with a password alone, as in the e2e tests: proving a TOTP
                # code costs a login step, not the path measured here.
                "HABILITATION_SECOND_FACTOR_REQUIRED": "false",
            },
        )
        started = time.perf_counter()
        preloaded = preload(mongodb_url, args.preload)
        inserted = time.perf_counter() - started
        load_sirene_sample(env, state / "logs")
        children = {name: start_service(stack, name, env, state / "logs") for name in (*SERVICES, "gateway")}
        gateway = f"http://127.0.0.1:{port}"
        # The start-up snapshot of --preload habilitations: minutes on a loaded two-core machine.
        wait_ready(gateway, children, timeout=600)
        granted = grant_through_the_api(gateway, mail, args.holders)
        load_seconds, snapshot_size = time_the_snapshot(node.amqp_url)
        checks = mix(granted.keys, preloaded)
        asyncio.run(flat_out(port, checks, 8, 2))  # warm-up
        secantus = next(child for child in stack.children if child.name == "secantusdb")
        groups = {name: child.pid for name, child in children.items() if name != "notification"}
        groups |= {"rabbitmq": node.child.pid, "secantusdb": secantus.pid}
        runs: dict[str, Run] = {}
        paced_name = f"paced at {args.rate:.0f}/s"
        before = {group: cpu_seconds(pid) for group, pid in groups.items()} | {"bench": time.process_time()}
        runs[paced_name] = asyncio.run(paced(port, checks, args.rate, args.seconds))
        after = {group: cpu_seconds(pid) for group, pid in groups.items()} | {"bench": time.process_time()}
        cpu[paced_name] = {group: after[group] - before[group] for group in after}
        bare = start_bare_endpoint(stack, state, preloaded, granted.keys)
        flat_name = f"flat out, {args.concurrency} conns"
        runs[flat_name], runs[BARE] = Run(), Run()
        cpu[flat_name] = dict.fromkeys([*groups, "bench"], 0.0)
        cpu[BARE] = {"bare endpoint": 0.0, "bench": 0.0}
        asyncio.run(flat_out(bare.port, checks, 8, 2))  # its warm-up, as the gateway's
        profiler = profile(children["gateway"].pid, args.profile) if args.profile else None
        # Side by side in alternating rounds: a change in the machine's load weighs on both sides alike.
        for _ in range(ROUNDS):
            for name, target, pids in ((flat_name, port, groups), (BARE, bare.port, {"bare endpoint": bare.pid})):
                before = {group: cpu_seconds(pid) for group, pid in pids.items()} | {"bench": time.process_time()}
                part = asyncio.run(flat_out(target, checks, args.concurrency, args.seconds / ROUNDS))
                after = {group: cpu_seconds(pid) for group, pid in pids.items()} | {"bench": time.process_time()}
                merge(runs[name], part)
                for group in after:
                    cpu[name][group] += after[group] - before[group]
        if profiler is not None:
            profiler.send_signal(signal.SIGINT)  # py-spy writes its output when interrupted
            profiler.wait(60)
    finally:
        stack.stop()
        mail.stop()
    return Result(args, inserted, load_seconds, snapshot_size, granted, runs, cpu)


@dataclass
class BareEndpoint:
    port: int
    pid: int


def start_bare_endpoint(
    stack: Stack, state: Path, preloaded: list[tuple[str, str, str, str]], granted: list[tuple[str, str, str, str]]
) -> BareEndpoint:
    """The other side of the ratio: bench/bare_endpoint.py, answering from the same held keys."""
    held = state / "held.json"
    held.write_text(json.dumps([[*key, str(uuid.uuid4())] for key in [*preloaded, *granted]]))
    port = free_port()
    command = [sys.executable, str(BARE_ENDPOINT), "--port", str(port), "--keys", str(held)]
    child = stack.add(spawn("bare-endpoint", command, state / "logs"))
    wait_until(lambda: port_open(port), 60, "the bare endpoint")
    return BareEndpoint(port, child.pid)


def merge(total: Run, part: Run) -> None:
    total.latencies += part.latencies
    total.failures += part.failures
    total.wrong += part.wrong
    total.elapsed += part.elapsed


def report(result: Result) -> None:
    args, granted = result.args, result.granted
    cores = os.cpu_count() or 1
    print(
        f"copy                     {args.preload:,} preloaded (inserted in {result.inserted:.1f} s) + "
        f"{len(granted.grant_delays)} granted through the API, 1 of them revoked"
    )
    print(
        f"start-up snapshot        {result.load_seconds:.2f} s for {result.snapshot_size:,} active habilitations "
        "(paged RPC)"
    )
    delays = sorted(granted.grant_delays)
    print(
        f"change to answer         grant allowed {statistics.median(delays) * 1000:.0f} ms (max "
        f"{delays[-1] * 1000:.0f}) after the API answered; revocation refused {granted.revoke_delay * 1000:.0f} ms"
    )
    for name, run in result.runs.items():
        print(figures(name, run))
        answered = len(run.latencies) or 1
        shares = ", ".join(f"{group} {seconds / answered * 1000:.2f}" for group, seconds in result.cpu[name].items())
        print(f"{'':<24} CPU ms per check: {shares} (on {cores} cores)")
    paced_run = next(iter(result.runs.values()))
    if paced_run.late:
        print(f"{'':<24} {paced_run.late} paced checks left > 5 ms late (the client fell behind)")
    p99 = result.paced_p99_ms
    print(f"paced p99                {p99:.1f} ms at {args.rate:.0f}/s (was held to < {GOAL_P99_MS} ms)")
    flat_name = list(result.runs)[1]
    gateway_ms = result.cpu[flat_name]["gateway"] / max(len(result.runs[flat_name].latencies), 1) * 1000
    bare_ms = result.cpu[BARE]["bare endpoint"] / max(len(result.runs[BARE].latencies), 1) * 1000
    print(f"CPU per check            gateway {gateway_ms:.2f} ms, bare endpoint {bare_ms:.2f} ms")
    met = "met" if result.ratio >= GOAL_RATIO else "MISSED"
    print(
        f"ratio gateway ÷ bare     {result.flat_rate:.0f} ÷ {result.bare_rate:.0f} checks/s = {result.ratio:.2f}   "
        f"goal >= {GOAL_RATIO}: {met}"
    )


def rows(result: Result) -> list[Row]:
    wrong = "" if result.ok else " (failed or wrong answers)"
    measured = f"{result.ratio:.2f} ({result.flat_rate:.0f} ÷ {result.bare_rate:.0f}/s){wrong}"
    met = result.ok and result.ratio >= GOAL_RATIO
    return [Row("authorization checks/s: gateway ÷ bare FastAPI", measured, f"≥ {GOAL_RATIO}", met, result.ratio)]


def parser() -> argparse.ArgumentParser:
    parsed = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parsed.add_argument("--rate", type=float, default=200)
    parsed.add_argument("--seconds", type=float, default=10)
    parsed.add_argument("--concurrency", type=int, default=32)
    parsed.add_argument("--holders", type=int, default=4)
    parsed.add_argument("--preload", type=int, default=20_000)
    parsed.add_argument("--profile", help="py-spy profile of the gateway while flat out (.svg or .txt); needs py-spy")
    return parsed


def main() -> None:
    result = run(parser().parse_args())
    report(result)
    sys.exit(0 if result.ok else 1)


def time_the_snapshot(amqp_url: str) -> tuple[float, int]:
    """What a gateway replica's start-up load costs: every page of the snapshot, through the same RPC."""

    async def load() -> tuple[float, int]:
        rpc = RpcClient(amqp_url, "bench", 30)
        await rpc.connect()
        started, count, after_id = time.perf_counter(), 0, None
        while True:
            page = await rpc.call("habilitation", ListActiveHabilitationsV1(after_id=after_id))
            count += len(page.habilitations)
            if (after_id := page.next_after_id) is None:
                break
        elapsed = time.perf_counter() - started
        await rpc.close()
        return elapsed, count

    return asyncio.run(load())


if __name__ == "__main__":
    main()
