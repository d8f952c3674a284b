"""The outbox relay against the real broker and store: published with confirms, never lost, duplicates deduplicated."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any, ClassVar

import aio_pika
import pytest
from aio_pika.abc import AbstractIncomingMessage, AbstractQueue
from faststream.rabbit import RabbitBroker
from pymongo import AsyncMongoClient, monitoring
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from contracts.base import Command, Event
from contracts.envelope import CAUSATION_HEADER, CORRELATION_HEADER
from contracts.topology import COMMANDS_EXCHANGE, EVENTS_EXCHANGE
from devstack.pytest_plugin import Infrastructure
from efp_runtime.broker import create_broker, declare_exchanges
from efp_runtime.message_context import MessageContext
from efp_runtime.mongo import create_mongo_client
from efp_runtime.outbox import (
    OUTBOX_FIELD,
    NotPublished,
    OutboxRelay,
    command_message,
    event_message,
    pending_messages,
)
from efp_runtime.polling import eventually
from efp_runtime.settings import RuntimeSettings

pytestmark = pytest.mark.integration


class ThingHappenedV1(Event):
    MESSAGE_TYPE: ClassVar[str] = "test.thing.happened.v1"
    thing_id: str


class DoThingV1(Command):
    MESSAGE_TYPE: ClassVar[str] = "test.thing.do.v1"
    thing_id: str


@pytest.fixture
async def broker(infrastructure: Infrastructure) -> AsyncIterator[RabbitBroker]:
    settings = RuntimeSettings(AMQP_URL=infrastructure.amqp_url)  # type: ignore[call-arg]
    rabbit = create_broker(settings, "outbox-test")
    await rabbit.connect()
    await declare_exchanges(rabbit)
    yield rabbit
    await rabbit.stop()


@pytest.fixture
async def mongo(infrastructure: Infrastructure) -> AsyncIterator[AsyncMongoClient[dict[str, Any]]]:
    client = create_mongo_client(infrastructure.mongodb_url)
    yield client
    await client.close()


@pytest.fixture
async def things(
    mongo: AsyncMongoClient[dict[str, Any]], infrastructure: Infrastructure
) -> AsyncCollection[dict[str, Any]]:
    return mongo[f"{infrastructure.database_prefix}outbox"][f"things_{uuid.uuid4().hex[:6]}"]


@pytest.fixture
async def channel(infrastructure: Infrastructure) -> AsyncIterator[aio_pika.abc.AbstractChannel]:
    connection = await aio_pika.connect(infrastructure.amqp_url)
    async with connection:
        yield await connection.channel()


async def _tap(channel: aio_pika.abc.AbstractChannel, exchange: str, routing_key: str) -> AbstractQueue:
    queue = await channel.declare_queue(exclusive=True, auto_delete=True)
    await queue.bind(await channel.get_exchange(exchange), routing_key=routing_key)
    return queue


async def _received(queue: AbstractQueue, count: int) -> list[AbstractIncomingMessage]:
    messages: list[AbstractIncomingMessage] = []
    async with asyncio.timeout(10):
        while len(messages) < count:
            message = await queue.get(no_ack=True, fail=False)
            if message is None:
                await asyncio.sleep(0.02)
            else:
                messages.append(message)
    return messages


async def _save_with_outbox(things: AsyncCollection[dict[str, Any]], thing_id: str, messages: list[Any]) -> None:
    await things.insert_one({"_id": thing_id, "state": "done", OUTBOX_FIELD: pending_messages(messages)})


async def test_pending_messages_are_published_with_their_envelope_then_removed(
    broker: RabbitBroker, things: AsyncCollection[dict[str, Any]], channel: aio_pika.abc.AbstractChannel
) -> None:
    tap = await _tap(channel, EVENTS_EXCHANGE, ThingHappenedV1.MESSAGE_TYPE)
    cause = MessageContext(message_id="cause-1", correlation_id="corr-1")
    event = event_message(ThingHappenedV1(thing_id="t1"), cause, "outbox-test")
    await _save_with_outbox(things, "t1", [event])
    relay = OutboxRelay(broker, [things], poll_seconds=60)

    assert await relay.drain(things.name, "t1") == 1

    [message] = await _received(tap, 1)
    assert message.message_id == event.message_id
    assert message.type == "test.thing.happened.v1"
    assert message.correlation_id == "corr-1"
    assert message.headers[CORRELATION_HEADER] == "corr-1"
    assert message.headers[CAUSATION_HEADER] == "cause-1"
    assert message.delivery_mode == aio_pika.DeliveryMode.PERSISTENT
    assert ThingHappenedV1.model_validate_json(message.body) == ThingHappenedV1(thing_id="t1")
    assert (await things.find_one({"_id": "t1"}))[OUTBOX_FIELD] == []  # type: ignore[index]


async def test_a_crash_between_publish_and_removal_publishes_again_and_consumers_deduplicate(
    broker: RabbitBroker,
    things: AsyncCollection[dict[str, Any]],
    channel: aio_pika.abc.AbstractChannel,
    mongo: AsyncMongoClient[dict[str, Any]],
    infrastructure: Infrastructure,
) -> None:
    tap = await _tap(channel, EVENTS_EXCHANGE, ThingHappenedV1.MESSAGE_TYPE)
    event = event_message(ThingHappenedV1(thing_id="t2"), MessageContext.fresh(), "outbox-test")
    await _save_with_outbox(things, "t2", [event])
    # The first relay publishes, then "crashes" before removing the message from the document.
    await OutboxRelay(broker, [things], poll_seconds=60)._publish(event)
    # After the restart, the polling pass finds the message still pending and publishes it again.
    assert await OutboxRelay(broker, [things], poll_seconds=60).drain_all() == 1

    first, second = await _received(tap, 2)
    assert first.message_id == second.message_id == event.message_id
    # A consumer keys its effect by the message id, as the notification service keys each e-mail:
    # the second delivery's insert finds the first one's document and does nothing more.
    effects = mongo[f"{infrastructure.database_prefix}outbox"][f"effects_{uuid.uuid4().hex[:6]}"]
    handled = 0
    for delivery in (first, second):
        try:
            await effects.insert_one({"_id": delivery.message_id, "thing_id": "t2"})
        except DuplicateKeyError:
            continue
        handled += 1
    assert handled == 1
    assert await effects.count_documents({}) == 1


async def test_a_command_with_no_queue_to_take_it_stays_in_the_outbox_until_one_exists(
    broker: RabbitBroker, things: AsyncCollection[dict[str, Any]], channel: aio_pika.abc.AbstractChannel
) -> None:
    routing_key = f"test.thing.do.{uuid.uuid4().hex[:6]}"
    command = command_message(DoThingV1(thing_id="t3"), routing_key, MessageContext.fresh(), "outbox-test")
    await _save_with_outbox(things, "t3", [command])
    relay = OutboxRelay(broker, [things], poll_seconds=60)

    with pytest.raises(NotPublished, match=r"test\.thing\.do\.v1"):
        await relay.drain(things.name, "t3")
    assert len((await things.find_one({"_id": "t3"}))[OUTBOX_FIELD]) == 1  # type: ignore[index]

    queue = await _tap(channel, COMMANDS_EXCHANGE, routing_key)
    assert await relay.drain(things.name, "t3") == 1
    [message] = await _received(queue, 1)
    assert message.message_id == command.message_id


async def test_the_running_relay_publishes_what_it_is_kicked_for(
    broker: RabbitBroker, things: AsyncCollection[dict[str, Any]], channel: aio_pika.abc.AbstractChannel
) -> None:
    tap = await _tap(channel, EVENTS_EXCHANGE, ThingHappenedV1.MESSAGE_TYPE)
    relay = OutboxRelay(broker, [things], poll_seconds=60)
    task = asyncio.create_task(relay.run())
    try:
        event = event_message(ThingHappenedV1(thing_id="t4"), MessageContext.fresh(), "outbox-test")
        await _save_with_outbox(things, "t4", [event])
        relay.kick(things.name, "t4")
        [message] = await _received(tap, 1)
        assert message.message_id == event.message_id
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


class Reads(monitoring.CommandListener):
    """The filters of the `find` commands a client sends."""

    def __init__(self) -> None:
        self.filters: list[dict[str, Any]] = []
        self.answered = 0

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.command_name == "find":
            self.filters.append(event.command.get("filter", {}))

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        self.answered += event.command_name == "find"

    def failed(self, event: monitoring.CommandFailedEvent) -> None: ...


async def test_a_kick_with_the_messages_its_write_stored_publishes_them_without_reading_the_document(
    broker: RabbitBroker,
    things: AsyncCollection[dict[str, Any]],
    infrastructure: Infrastructure,
    channel: aio_pika.abc.AbstractChannel,
) -> None:
    reads = Reads()
    client = create_mongo_client(infrastructure.mongodb_url, event_listeners=[reads])
    tap = await _tap(channel, EVENTS_EXCHANGE, ThingHappenedV1.MESSAGE_TYPE)
    relay = OutboxRelay(broker, [client[things.database.name][things.name]], poll_seconds=60)
    task = asyncio.create_task(relay.run())
    try:
        # Its first polling pass, at start, over the empty collection: done before anything is written.
        await eventually(lambda: asyncio.sleep(0, reads.answered), within=5)
        events = [
            event_message(ThingHappenedV1(thing_id=f"t5-{n}"), MessageContext.fresh(), "outbox-test") for n in range(2)
        ]
        await _save_with_outbox(things, "t5", events)
        relay.kick(things.name, "t5", events)
        received = await _received(tap, 2)
        assert sorted(m.message_id for m in received) == sorted(e.message_id for e in events)
        # Removed once confirmed, as after a read.
        await eventually(lambda: things.find_one({"_id": "t5"}), lambda doc: doc is not None and not doc[OUTBOX_FIELD])
        # The relay read no document by its id: only its polling pass, at start, looked for pending outboxes.
        assert all("_id" not in query for query in reads.filters)
        # Kicked without them, it reads the document's outbox.
        later = event_message(ThingHappenedV1(thing_id="t6"), MessageContext.fresh(), "outbox-test")
        await _save_with_outbox(things, "t6", [later])
        relay.kick(things.name, "t6")
        [message] = await _received(tap, 1)
        assert message.message_id == later.message_id
        assert {"_id": {"$in": ["t6"]}} in reads.filters
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await client.close()


async def test_kicks_queued_before_a_polling_pass_are_not_published_again_after_it(
    broker: RabbitBroker, things: AsyncCollection[dict[str, Any]], channel: aio_pika.abc.AbstractChannel
) -> None:
    tap = await _tap(channel, EVENTS_EXCHANGE, ThingHappenedV1.MESSAGE_TYPE)
    relay = OutboxRelay(broker, [things], poll_seconds=60)
    events = [
        event_message(ThingHappenedV1(thing_id=f"t7-{n}"), MessageContext.fresh(), "outbox-test") for n in range(3)
    ]
    for n, event in enumerate(events):
        await _save_with_outbox(things, f"t7-{n}", [event])
        relay.kick(things.name, f"t7-{n}", [event])
    # A backlog of kicks when the relay starts: its first pass, the poll, publishes those writes.
    task = asyncio.create_task(relay.run())
    try:
        received = await _received(tap, 3)
        await eventually(lambda: asyncio.sleep(0, relay._kicks.empty()), within=5)
        await asyncio.sleep(0.5)  # room for a second copy, were one sent
        assert await tap.get(no_ack=True, fail=False) is None
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert sorted(m.message_id for m in received) == sorted(e.message_id for e in events)


async def test_a_kick_for_a_write_a_polling_pass_already_published_publishes_nothing_more(
    broker: RabbitBroker, things: AsyncCollection[dict[str, Any]], channel: aio_pika.abc.AbstractChannel
) -> None:
    tap = await _tap(channel, EVENTS_EXCHANGE, ThingHappenedV1.MESSAGE_TYPE)
    relay = OutboxRelay(broker, [things], poll_seconds=60)
    event = event_message(ThingHappenedV1(thing_id="t8"), MessageContext.fresh(), "outbox-test")
    await _save_with_outbox(things, "t8", [event])
    # The pass reads the write before its kick is queued: the kick arrives while the pass runs.
    assert await relay.drain_all() == 1
    relay.kick(things.name, "t8", [event])
    await relay._drain_batch(relay._kicks.get_nowait())

    [message] = await _received(tap, 1)
    await asyncio.sleep(0.5)  # room for a second copy, were one sent
    assert await tap.get(no_ack=True, fail=False) is None
    assert message.message_id == event.message_id
