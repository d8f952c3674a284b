"""E-mail benchmark: sustained e-mails/s from a command on `efp.commands` to SMTP acceptance.

Starts its own RabbitMQ, SecantusDB, SMTP recorder (aiosmtpd, in this process) and the notification
service on free ports in a temp dir, publishes `SendEmailV1` commands (a sign-up code each, one
address each) with publisher confirms, and times each from its publication to its acceptance by
the SMTP server. Prints throughput, latency and CPU per e-mail for each process (figures, not
assertions); exits 1 if an e-mail is missing or was sent twice.

    .venv/bin/python bench/emails.py [--emails 3000] [--rate 0] [--warm-up 200] [--profile out.svg]

`--rate 0` publishes everything at once (a backlog: throughput); `--rate N` paces N commands a
second (latency at that load).
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
from pathlib import Path

import aio_pika
from pymongo import MongoClient

from contracts.notification import SendEmailV1, SignupVerificationCodeV1
from contracts.topology import COMMANDS_EXCHANGE, NOTIFICATION_COMMANDS_QUEUE, SEND_EMAIL_ROUTING_KEY
from devstack.mail_recorder import MailRecorder
from devstack.processes import Stack, cpu_seconds, free_port, wait_until
from devstack.system import Endpoints, service_env, start_mongodb, start_rabbitmq, start_service

DOMAIN = "emploi.gouv.fr"  # the Message-ID is <command id@DOMAIN>


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


def interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def profile(pid: int, output: str) -> subprocess.Popen[bytes]:
    py_spy = shutil.which("py-spy")
    if py_spy is None:
        raise SystemExit("--profile needs py-spy on the PATH (pip install py-spy)")
    # A .txt output gets collapsed stacks (one line per stack, for grep), anything else a flame graph.
    output_format = "raw" if output.endswith(".txt") else "flamegraph"
    command = [py_spy, "record", "--pid", str(pid), "--output", output, "--rate", "200", "--format", output_format]
    return subprocess.Popen(command)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--emails", type=int, default=3000)
    parser.add_argument("--rate", type=float, default=0, help="commands a second; 0: all at once")
    parser.add_argument("--warm-up", type=int, default=200)
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--profile", help="py-spy profile of the service during the run (.svg or .txt); needs py-spy")
    args = parser.parse_args()
    # A `kill` (or a CI timeout) still stops the broker, the store and the service started below.
    signal.signal(signal.SIGTERM, interrupt)

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
        with MongoClient(mongodb_url) as client:
            sent_records = client[database]["emails"].count_documents({"state": "sent"}) - len(warm)
        log_tail = notification.log_tail(5)
    finally:
        stack.stop()
        mail.stop()
    report(args, published, accepted, {name: after[name] - before[name] for name in after}, sent_records, log_tail)


def report(
    args: argparse.Namespace,
    published: dict[str, float],
    accepted: dict[str, list[float]],
    cpu: dict[str, float],
    sent_records: int,
    log_tail: str,
) -> None:
    first = [times[0] for times in accepted.values()]
    latencies = sorted(accepted[message_id][0] - published[message_id] for message_id in accepted)
    duplicates = sum(len(times) - 1 for times in accepted.values())
    missing = len(published) - len(accepted)
    elapsed = max(first) - min(published.values())
    ordered = sorted(first)
    # The middle 80 % of acceptances: the steady state, without ramp-up and tail.
    low, high = ordered[len(ordered) // 10], ordered[len(ordered) * 9 // 10]
    steady = (len(ordered) * 9 // 10 - len(ordered) // 10) / (high - low)
    quantiles = statistics.quantiles(latencies, n=100)
    mode = f"paced at {args.rate:.0f}/s" if args.rate else "published at once"
    print(f"e-mails                  {len(published)} ({mode}), {missing} missing, {duplicates} sent twice")
    print(f"records saved sent       {sent_records}")
    print(f"throughput               {len(accepted) / elapsed:.0f} e-mails/s end to end, {steady:.0f}/s steady")
    print(f"command → SMTP accept    p50 {quantiles[49] * 1000:.0f} ms, p99 {quantiles[98] * 1000:.0f} ms")
    print("CPU per e-mail           " + ", ".join(f"{n} {c / len(accepted) * 1000:.2f} ms" for n, c in cpu.items()))
    print(f"cores                    {os.cpu_count()}, shared by the broker, the store, the service and this bench")
    if missing or duplicates or sent_records != len(published):
        print(f"notification log tail:\n{log_tail}")
        sys.exit(1)


if __name__ == "__main__":
    main()
