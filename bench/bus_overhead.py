"""Bus overhead benchmark: events through the project's stack ÷ raw aio-pika, same broker, same run.

Starts its own RabbitMQ and SecantusDB on free ports in a temp dir, then moves `--events` events twice
through the events exchange into a quorum queue (`quorum_queue`, the services' arguments), one after
the other, each with the same body, AMQP properties, routing, publisher window and prefetch:

(a) raw aio-pika: a channel with publisher confirms publishes them persistent, at most `outbox.BATCH`
    unconfirmed at a time; a consumer on another connection (prefetch `EFP_PREFETCH_COUNT`) acks each.
    Throughput = events ÷ (first publish → last ack).
(b) through a service: the events already sit committed, one per aggregate document, in the documents'
    outboxes (as a use case's write leaves them; the write is not timed). At t0 each document is kicked to
    the runtime's `OutboxRelay` (as `AggregateStore` does after a write): it reads the outbox, publishes
    with confirms and pulls the confirmed entries from the document, 32 documents side by side. A
    FastStream subscriber of `create_broker` (its `CorrelationMiddleware`, REJECT_ON_ERROR, prefetch)
    parses each into its contract and stores its effect before its ack, the way the services' consumers
    are idempotent: keyed so that a redelivery lands on the same document (here, as habilitation keeps
    its copies of identity's accounts, one upsert of a copy keyed by the event's subject, the invitation
    id; no table of processed message ids). Throughput = events ÷ (t0 → last effect stored).

Ratio = (b) ÷ (a); goal ≥ 0.5. Both sides run in this one process, as (a) does.

(c) the bus alone, printed beside: (b) without the store — the project's broker publishing the same
    messages with confirms (the relay's call, same window) to the same kind of subscriber, which acks
    without storing anything. (c) ÷ (a) is what FastStream and our middlewares cost; (b) ÷ (c) what the
    store's round trips (outbox read and removal, the consumer's write) cost.

    .venv/bin/python bench/bus_overhead.py [--events 5000]
"""

import argparse
import asyncio
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, replace
from pathlib import Path

import aio_pika
from scoreboard import Row  # bench/, beside this script

from contracts.invitations import InvitationExpiredV1
from contracts.topology import EVENTS_EXCHANGE
from devstack.processes import Stack, free_port
from devstack.system import start_mongodb, start_rabbitmq
from efp_runtime.broker import EVENTS, create_broker, declare_dead_letter_queues, declare_exchanges, quorum_queue
from efp_runtime.message_context import MessageContext, amqp_properties
from efp_runtime.mongo import IndexSpec, create_mongo_client, ensure_indexes
from efp_runtime.outbox import BATCH, OUTBOX_FIELD, OutboxMessage, OutboxRelay, event_message, pending_messages
from efp_runtime.settings import RuntimeSettings

GOAL_RATIO = 0.5
RAW_KEY, STACK_KEY = "bench.bus.raw", "bench.bus.stack"
AGGREGATES, COPIES = "bench_aggregates", "bench_invitation_copies"


@dataclass
class Result:
    events: int
    raw_seconds: float
    stack_seconds: float
    duplicates: int  # (b) events whose copy was already stored (a redelivery): none expected
    bus_seconds: float = 0.0  # (c)

    @property
    def raw_rate(self) -> float:
        return self.events / self.raw_seconds

    @property
    def stack_rate(self) -> float:
        return self.events / self.stack_seconds

    @property
    def bus_rate(self) -> float:
        return self.events / self.bus_seconds if self.bus_seconds else 0.0

    @property
    def ratio(self) -> float:
        return self.stack_rate / self.raw_rate


def an_event(routing_key: str) -> OutboxMessage:
    """One invitation-expired event as the sweeper writes it into an outbox, routed to this bench's queue."""
    invitation_id = str(uuid.uuid4())
    event = InvitationExpiredV1(invitation_id=invitation_id, siren="000016220", account_id=str(uuid.uuid4()))
    return replace(event_message(event, MessageContext.fresh(), "bench"), routing_key=routing_key)


async def raw(settings: RuntimeSettings, events: int) -> float:
    """(a): seconds from the first publish to the last ack."""
    queue_spec = quorum_queue(f"{RAW_KEY}.{uuid.uuid4().hex[:6]}", settings, routing_key=RAW_KEY)
    messages = [an_event(RAW_KEY) for _ in range(events)]
    publisher_connection = await aio_pika.connect(settings.amqp_url)
    consumer_connection = await aio_pika.connect(settings.amqp_url)
    async with publisher_connection, consumer_connection:
        publishing = await publisher_connection.channel(publisher_confirms=True)
        consuming = await consumer_connection.channel()
        await consuming.set_qos(prefetch_count=settings.prefetch_count)
        arguments = {"x-queue-type": "quorum", **(queue_spec.arguments or {})}
        queue = await consuming.declare_queue(queue_spec.name, durable=True, arguments=arguments)
        await queue.bind(EVENTS_EXCHANGE, routing_key=RAW_KEY)
        exchange = await publishing.get_exchange(EVENTS_EXCHANGE)
        acked, done = 0, asyncio.Event()

        async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            nonlocal acked
            await message.ack()
            acked += 1
            if acked == events:
                done.set()

        consumer_tag = await queue.consume(on_message)
        window = asyncio.Semaphore(BATCH)

        async def publish(message: OutboxMessage) -> None:
            # The same properties the relay sets (FastStream calls the AMQP `type` `message_type`).
            properties = amqp_properties(message.envelope())
            properties["type"] = properties.pop("message_type")
            async with window:
                body = aio_pika.Message(
                    message.body.encode(),
                    content_type="application/json",
                    delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                    app_id="bench",
                    **properties,
                )
                await exchange.publish(body, routing_key=message.routing_key, mandatory=message.mandatory)

        started = time.perf_counter()
        await asyncio.gather(*(publish(message) for message in messages))
        await done.wait()
        elapsed = time.perf_counter() - started
        await queue.cancel(consumer_tag)
        await queue.delete(if_unused=False, if_empty=False)
    return elapsed


async def bus_alone(settings: RuntimeSettings, events: int) -> float:
    """(c): seconds from the first publish to the last event handled, no store on either side."""
    producer, consumer = create_broker(settings, "bench-producer"), create_broker(settings, "bench-consumer")
    key = f"{STACK_KEY}.bus"
    queue = quorum_queue(f"{key}.{uuid.uuid4().hex[:6]}", settings, routing_key=key)
    handled, done = 0, asyncio.Event()

    @consumer.subscriber(queue, EVENTS, title=queue.name)
    async def on_invitation_expired(event: InvitationExpiredV1) -> None:
        nonlocal handled
        handled += 1
        if handled == events:
            done.set()

    await consumer.connect()
    await declare_dead_letter_queues(consumer, [queue.name])
    await consumer.start()
    await producer.connect()
    messages, window = [an_event(key) for _ in range(events)], asyncio.Semaphore(BATCH)

    async def publish(message: OutboxMessage) -> None:
        async with window:
            await producer.publish(
                message.body.encode(),
                exchange=EVENTS,
                routing_key=message.routing_key,
                persist=True,
                content_type="application/json",
                **amqp_properties(message.envelope()),
            )

    started = time.perf_counter()
    await asyncio.gather(*(publish(message) for message in messages))
    await done.wait()
    elapsed = time.perf_counter() - started
    await consumer.stop()
    await producer.stop()
    return elapsed


async def through_a_service(settings: RuntimeSettings, events: int) -> tuple[float, int]:
    """(b): seconds from the kicks to the last effect stored by the consumer; and duplicates seen."""
    mongo = create_mongo_client(settings.mongodb_url)
    database = mongo[f"bench_bus_{uuid.uuid4().hex[:6]}"]
    # The aggregates' relay index, as every repository declares it; the copies need only their _id.
    await ensure_indexes(database, [IndexSpec(AGGREGATES, [(f"{OUTBOX_FIELD}.message_id", 1)], sparse=True)])
    aggregates, copies = database[AGGREGATES], database[COPIES]
    producer, consumer = create_broker(settings, "bench-producer"), create_broker(settings, "bench-consumer")
    queue = quorum_queue(f"{STACK_KEY}.{uuid.uuid4().hex[:6]}", settings, routing_key=STACK_KEY)
    stored, duplicates, done = 0, 0, asyncio.Event()

    @consumer.subscriber(queue, EVENTS, title=queue.name)
    async def on_invitation_expired(event: InvitationExpiredV1) -> None:
        nonlocal stored, duplicates
        # The effect is the deduplication: a redelivered event upserts the same copy again.
        fields = {"siren": event.siren, "account_id": event.account_id, "state": "expired"}
        written = await copies.update_one({"_id": event.invitation_id}, {"$set": fields}, upsert=True)
        if written.upserted_id is None:
            duplicates += 1  # each event has its own invitation: a copy already there means it came twice
            return
        stored += 1
        if stored == events:
            done.set()

    await consumer.connect()
    await declare_exchanges(consumer)
    await declare_dead_letter_queues(consumer, [queue.name])
    await consumer.start()
    await producer.connect()
    # A poll interval longer than the run: only the kicks drive the relay, as after a use case's writes.
    relay = OutboxRelay(producer, [aggregates], poll_seconds=3600)
    relay_task = asyncio.create_task(relay.run())
    await asyncio.sleep(0.5)  # its start-up scan finds the collection empty
    ids = [str(uuid.uuid4()) for _ in range(events)]
    documents = [{"_id": doc_id, "version": 1, OUTBOX_FIELD: pending_messages([an_event(STACK_KEY)])} for doc_id in ids]
    for start in range(0, events, 2_000):
        await aggregates.insert_many(documents[start : start + 2_000], ordered=False)
    started = time.perf_counter()
    for doc_id in ids:
        relay.kick(AGGREGATES, doc_id)
    await done.wait()
    elapsed = time.perf_counter() - started
    # The relay clears a batch's outboxes once all of its confirms are in, which may be just after
    # the consumer has taken the last event: give it a moment, outside the timed part.
    for _ in range(200):
        left = await aggregates.count_documents({f"{OUTBOX_FIELD}.message_id": {"$exists": True}})
        if not left:
            break
        await asyncio.sleep(0.05)
    relay_task.cancel()
    await asyncio.gather(relay_task, return_exceptions=True)
    await consumer.stop()
    await producer.stop()
    await mongo.close()
    if left:
        raise RuntimeError(f"{left} outboxes still hold their event after every event was consumed")
    return elapsed, duplicates


def run(args: argparse.Namespace) -> Result:
    """Start the broker and the store, measure (a) then (b) on them, stop them."""
    stack = Stack()
    state = Path(tempfile.mkdtemp(prefix="efp-bench-bus-"))
    try:
        node = start_rabbitmq(stack, state, free_port(), free_port(), management=False)
        mongodb_url = start_mongodb(stack, state, free_port())
        settings = RuntimeSettings(AMQP_URL=node.amqp_url, MONGODB_URL=mongodb_url)

        async def both() -> Result:
            topology = create_broker(settings, "bench")
            await topology.connect()
            await declare_exchanges(topology)  # a bare broker: the events exchange the services publish to
            await topology.stop()
            await raw(settings, min(args.events, 500))  # warm-up: connections, the broker's first quorum queue
            raw_seconds = await raw(settings, args.events)
            bus_seconds = await bus_alone(settings, args.events)
            stack_seconds, duplicates = await through_a_service(settings, args.events)
            return Result(args.events, raw_seconds, stack_seconds, duplicates, bus_seconds)

        return asyncio.run(both())
    finally:
        stack.stop()


def report(result: Result) -> None:
    print(f"events                   {result.events:,} each way, window {BATCH} unconfirmed, same queue arguments")
    print(f"(a) raw aio-pika         {result.raw_rate:,.0f} events/s (publish with confirms → consumer ack)")
    print(f"(b) through a service    {result.stack_rate:,.0f} events/s (outbox relay → subscriber → upsert → ack)")
    print(f"(c) the bus alone        {result.bus_rate:,.0f} events/s (our broker → subscriber → ack, no store)")
    print(f"duplicates seen by (b)   {result.duplicates}")
    print(f"(c) ÷ (a)                {result.bus_rate / result.raw_rate:.2f}   FastStream and our middlewares")
    print(f"(b) ÷ (c)                {result.stack_rate / result.bus_rate:.2f}   the store round trips")
    met = "met" if result.ratio >= GOAL_RATIO else "MISSED"
    print(f"ratio (b) ÷ (a)          {result.ratio:.2f}   goal >= {GOAL_RATIO}: {met}")


def rows(result: Result) -> list[Row]:
    measured = f"{result.ratio:.2f} ({result.stack_rate:,.0f} ÷ {result.raw_rate:,.0f} events/s)"
    return [
        Row("bus overhead ratio (service ÷ raw)", measured, f"≥ {GOAL_RATIO}", result.ratio >= GOAL_RATIO, result.ratio)
    ]


def parser() -> argparse.ArgumentParser:
    parsed = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parsed.add_argument("--events", type=int, default=5_000)
    return parsed


def main() -> None:
    result = run(parser().parse_args())
    report(result)
    sys.exit(1 if result.duplicates else 0)


if __name__ == "__main__":
    main()
