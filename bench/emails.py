"""E-mail benchmark: sustained e-mails/s from a command on `efp.commands` to SMTP acceptance.

Starts its own RabbitMQ, SecantusDB, SMTP recorder (aiosmtpd, in this process) and the notification
service on free ports in a temp dir, publishes `SendEmailV1` commands (a sign-up code each, one
address each) with publisher confirms, and times each from its publication to its acceptance by
the SMTP server. Prints throughput, latency and CPU per e-mail for each process (figures, not
assertions); exits 1 if an e-mail is missing or was sent twice.

    .venv/bin/python bench/emails.py [--emails 3000] [--rate 0] [--warm-up 200] [--profile out.svg]

`--rate 0` publishes everything at once (a backlog: throughput); `--rate N` paces N commands a
second (latency at that load).

The goal is a ratio measured in the same run: e-mails/s through the service ÷ e-mails/s of a bare
aiosmtplib loop (bench/bare_smtp.py, its own process, as many persistent connections as the service's
pool) sending the same bytes, an e-mail the service sent, to the same SMTP recorder, half of them just
before the service's run and half just after: ≥ 0.5. What the service adds to SMTP itself (the broker,
the store, rendering) is then visible whatever the machine's speed; the absolute e-mails/s stay in the
report.
"""

import argparse
import asyncio
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aio_pika
from pymongo import MongoClient
from scoreboard import Row  # bench/, beside this script

from contracts.notification import SendEmailV1, SignupVerificationCodeV1
from contracts.topology import COMMANDS_EXCHANGE, NOTIFICATION_COMMANDS_QUEUE, SEND_EMAIL_ROUTING_KEY
from devstack.mail_recorder import MailRecorder
from devstack.processes import Stack, cpu_seconds, free_port, wait_until
from devstack.system import Endpoints, service_env, start_mongodb, start_rabbitmq, start_service
from efp_runtime.senders import broker_user
from notification.config import NotificationSettings

DOMAIN = "emploi.gouv.fr"  # the Message-ID is <command id@DOMAIN>
GOAL_RATIO = 0.5
BARE_SMTP = Path(__file__).resolve().parent / "bare_smtp.py"
POOL_SIZE = NotificationSettings.model_fields["smtp_pool_size"].default  # the service's SMTP connections


def own_cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system


async def publish(amqp_url: str, count: int, rate: float, run: str) -> dict[str, float]:
    """Publish `count` commands (all at once, or `rate` a second); returns publish time by message id."""
    published: dict[str, float] = {}
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        exchange = await channel.get_exchange(COMMANDS_EXCHANGE)
        started = time.monotonic()

        async def one(index: int) -> None:
            if rate:
                await asyncio.sleep(max(0.0, started + index / rate - time.monotonic()))
            message_id = str(uuid.uuid4())
            command = SendEmailV1(
                to=f"bench.{run}.{index}@centre-formation.fr",
                content=SignupVerificationCodeV1(code=f"{index % 1_000_000:06d}"),
            )
            message = aio_pika.Message(
                command.model_dump_json().encode(),
                content_type="application/json",
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                message_id=message_id,
                correlation_id=message_id,
                type=SendEmailV1.MESSAGE_TYPE,
                # The publisher's own user (the broker refuses another; the service, a message without).
                user_id=broker_user(amqp_url),
            )
            published[message_id] = time.monotonic()
            await exchange.publish(message, routing_key=SEND_EMAIL_ROUTING_KEY, mandatory=True)

        # At most 500 unconfirmed at a time, as an outbox relay with a backlog would.
        window = asyncio.Semaphore(500)

        async def bounded(index: int) -> None:
            async with window:
                await one(index)

        await asyncio.gather(*(bounded(index) for index in range(count)))
    return published


def accepted_times(mail: MailRecorder, published: dict[str, float], timeout: float) -> dict[str, list[float]]:
    """Acceptance times by message id, once every published e-mail arrived (or the timeout)."""
    deadline = time.monotonic() + timeout
    while True:
        accepted: dict[str, list[float]] = {}
        for received in mail.received():
            message_id = received.message_id.strip("<>").removesuffix(f"@{DOMAIN}")
            if message_id in published:
                accepted.setdefault(message_id, []).append(received.accepted_at)
        if len(accepted) == len(published) or time.monotonic() > deadline:
            return accepted
        time.sleep(0.1)


def wait_consuming(amqp_url: str, timeout: float = 60) -> None:
    async def consumers() -> int:
        connection = await aio_pika.connect(amqp_url)
        async with connection:
            channel = await connection.channel()
            try:
                queue = await channel.declare_queue(NOTIFICATION_COMMANDS_QUEUE, passive=True)
            except aio_pika.exceptions.ChannelClosed:
                return 0
            return int(queue.declaration_result.consumer_count or 0)

    wait_until(lambda: asyncio.run(consumers()) > 0, timeout, "the notification service")


def saved_sent(mongodb_url: str, database: str, expected: int, timeout: float = 30) -> int:
    """E-mails recorded sent, once all `expected` are (or the timeout): the service records an e-mail sent
    a moment after the SMTP server accepted it (its writes are grouped)."""
    client: MongoClient[dict[str, Any]]
    with MongoClient(mongodb_url) as client:
        deadline = time.monotonic() + timeout
        while (count := client[database]["emails"].count_documents({"state": "sent"})) < expected:
            if time.monotonic() > deadline:
                break
            time.sleep(0.1)
    return count


def bare_seconds(mail: MailRecorder, count: int, state: Path) -> float:
    """Seconds the bare aiosmtplib loop takes to send the last e-mail the service sent, `count` times, to
    the same recorder."""
    sample = state / "sample.eml"
    sample.write_bytes(mail.received()[-1].raw)
    before = len(mail.received())
    command = [sys.executable, str(BARE_SMTP), "--port", str(mail.port), "--message", str(sample)]
    command += ["--count", str(count), "--connections", str(POOL_SIZE)]
    elapsed = float(subprocess.run(command, check=True, capture_output=True, text=True, timeout=600).stdout)
    if (received := len(mail.received()) - before) != count:
        raise RuntimeError(f"the bare loop's {count} e-mails: {received} received")
    return elapsed


def interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def profile(pid: int, output: str) -> subprocess.Popen[bytes]:
    py_spy = shutil.which("py-spy")
    if py_spy is None:
        raise SystemExit("--profile needs py-spy on the PATH (pip install py-spy)")
    # A .txt output gets collapsed stacks (one line per stack, for grep), anything else a flame graph.
    output_format = "raw" if output.endswith(".txt") else "flamegraph"
    # --threads: each stack under its thread, so work in a pool (the driver's, the loop's executor) shows as such.
    command = [
        py_spy,
        "record",
        "--pid",
        str(pid),
        "--output",
        output,
        "--rate",
        "200",
        "--format",
        output_format,
        "--threads",
    ]
    return subprocess.Popen(command)


@dataclass
class Result:
    rate: float  # the pace asked for; 0: all at once
    published: dict[str, float]  # message id → publication time
    accepted: dict[str, list[float]]  # message id → SMTP acceptance times
    cpu: dict[str, float]
    sent_records: int
    log_tail: str
    bare_rate: float = 0.0  # e-mails/s of the bare aiosmtplib loop, same recorder, same run

    @property
    def ratio(self) -> float:
        return self.throughput / self.bare_rate if self.bare_rate else 0.0

    @property
    def missing(self) -> int:
        return len(self.published) - len(self.accepted)

    @property
    def duplicates(self) -> int:
        return sum(len(times) - 1 for times in self.accepted.values())

    @property
    def ok(self) -> bool:
        return not self.missing and not self.duplicates and self.sent_records == len(self.published)

    @property
    def throughput(self) -> float:
        """E-mails a second end to end: the first publication to the last first acceptance."""
        if not self.accepted:
            return 0.0
        last = max(times[0] for times in self.accepted.values())
        return len(self.accepted) / (last - min(self.published.values()))


def run(args: argparse.Namespace) -> Result:
    stack, mail = Stack(), MailRecorder(free_port())
    state = Path(tempfile.mkdtemp(prefix="efp-bench-emails-"))
    database = f"bench_{uuid.uuid4().hex[:6]}"
    mail.start()
    try:
        node = start_rabbitmq(stack, state, free_port(), free_port(), management=False)
        mongodb_url = start_mongodb(stack, state, free_port())
        env = service_env(
            Endpoints(node.amqp_url, mongodb_url, mail.url),
            state,
            free_port(),
            {"EFP_ENVIRONMENT": "test", "EFP_LOG_LEVEL": "WARNING", "NOTIFICATION_DATABASE": database},
        )
        notification = start_service(stack, "notification", env, state / "logs")
        wait_consuming(node.amqp_url)
        warm = asyncio.run(publish(node.amqp_url, args.warm_up, 0, "warm"))
        accepted_times(mail, warm, args.timeout)
        # The bare loop half before the service's run and half after: a change in the machine's load
        # during the run weighs on both sides.
        half = max(1, args.emails // 2)
        bare = bare_seconds(mail, half, state)
        secantus = next(child for child in stack.children if child.name == "secantusdb")
        groups = {"notification": notification.pid, "rabbitmq": node.child.pid, "secantusdb": secantus.pid}
        before = {name: cpu_seconds(pid) for name, pid in groups.items()} | {"bench+smtp": own_cpu_seconds()}
        profiler = profile(notification.pid, args.profile) if args.profile else None
        published = asyncio.run(publish(node.amqp_url, args.emails, args.rate, "run"))
        accepted = accepted_times(mail, published, args.timeout)
        after = {name: cpu_seconds(pid) for name, pid in groups.items()} | {"bench+smtp": own_cpu_seconds()}
        if profiler is not None:
            profiler.send_signal(signal.SIGINT)  # py-spy writes its output when interrupted
            profiler.wait(60)
        sent_records = saved_sent(mongodb_url, database, len(warm) + len(published)) - len(warm)
        log_tail = notification.log_tail(5)
        bare += bare_seconds(mail, half, state)
    finally:
        stack.stop()
        mail.stop()
    cpu = {name: after[name] - before[name] for name in after}
    return Result(args.rate, published, accepted, cpu, sent_records, log_tail, 2 * half / bare)


def report(result: Result) -> None:
    published, accepted = result.published, result.accepted
    if not accepted:
        print(f"e-mails                  {len(published)} published, none accepted")
        print(f"notification log tail:\n{result.log_tail}")
        return
    first = [times[0] for times in accepted.values()]
    latencies = sorted(accepted[message_id][0] - published[message_id] for message_id in accepted)
    ordered = sorted(first)
    # The middle 80 % of acceptances: the steady state, without ramp-up and tail.
    low, high = ordered[len(ordered) // 10], ordered[len(ordered) * 9 // 10]
    steady = (len(ordered) * 9 // 10 - len(ordered) // 10) / (high - low)
    quantiles = statistics.quantiles(latencies, n=100)
    mode = f"paced at {result.rate:.0f}/s" if result.rate else "published at once"
    print(
        f"e-mails                  {len(published)} ({mode}), {result.missing} missing, {result.duplicates} sent twice"
    )
    print(f"records saved sent       {result.sent_records}")
    print(f"throughput               {result.throughput:.0f} e-mails/s end to end, {steady:.0f}/s steady")
    print(f"command → SMTP accept    p50 {quantiles[49] * 1000:.0f} ms, p99 {quantiles[98] * 1000:.0f} ms")
    per_email = ", ".join(f"{n} {c / len(accepted) * 1000:.2f} ms" for n, c in result.cpu.items())
    print(f"CPU per e-mail           {per_email}")
    print(f"cores                    {os.cpu_count()}, shared by the broker, the store, the service and this bench")
    print(f"bare aiosmtplib loop     {result.bare_rate:.0f} e-mails/s ({POOL_SIZE} connections, same recorder)")
    met = "met" if result.ratio >= GOAL_RATIO else "MISSED"
    print(f"ratio service ÷ bare     {result.ratio:.2f}   goal >= {GOAL_RATIO}: {met}")
    if not result.ok:
        print(f"notification log tail:\n{result.log_tail}")


def rows(result: Result) -> list[Row]:
    measured = f"{result.ratio:.2f} ({result.throughput:.0f} ÷ {result.bare_rate:.0f}/s)"
    if not result.ok:
        measured += f" ({result.missing} missing, {result.duplicates} twice, {result.sent_records} recorded sent)"
    met = result.ok and result.ratio >= GOAL_RATIO
    return [Row("e-mails/s: service ÷ bare aiosmtplib", measured, f"≥ {GOAL_RATIO}", met, result.ratio)]


def parser() -> argparse.ArgumentParser:
    parsed = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parsed.add_argument("--emails", type=int, default=3000)
    parsed.add_argument("--rate", type=float, default=0, help="commands a second; 0: all at once")
    parsed.add_argument("--warm-up", type=int, default=200)
    parsed.add_argument("--timeout", type=float, default=300)
    parsed.add_argument("--profile", help="py-spy profile of the service during the run (.svg or .txt); needs py-spy")
    return parsed


def main() -> None:
    args = parser().parse_args()
    # A `kill` (or a CI timeout) still stops the broker, the store and the service started below.
    signal.signal(signal.SIGTERM, interrupt)
    result = run(args)
    report(result)
    sys.exit(0 if result.ok else 1)


if __name__ == "__main__":
    main()
