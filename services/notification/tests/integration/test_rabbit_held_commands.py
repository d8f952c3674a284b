"""Commands held in a queue, against the real broker: looking leaves them there; requeueing sends each once."""

import uuid
from collections.abc import AsyncIterator

import aio_pika
import pytest
from aio_pika.abc import AbstractChannel, AbstractQueue

from devstack.pytest_plugin import Infrastructure
from notification.adapters.rabbit_held_commands import RabbitHeldCommands

pytestmark = pytest.mark.integration


@pytest.fixture
async def channel(infrastructure: Infrastructure) -> AsyncIterator[AbstractChannel]:
    connection = await aio_pika.connect(infrastructure.amqp_url)
    async with connection:
        yield await connection.channel(publisher_confirms=True, on_return_raises=True)


async def queues(channel: AbstractChannel) -> tuple[str, str, AbstractQueue]:
    """A held queue (quorum, like the real ones) and a target queue behind a test exchange."""
    suffix = uuid.uuid4().hex[:8]
    held = await channel.declare_queue(f"test.held.{suffix}", durable=True, arguments={"x-queue-type": "quorum"})
    exchange = await channel.declare_exchange(f"test.commands.{suffix}", aio_pika.ExchangeType.DIRECT, auto_delete=True)
    target = await channel.declare_queue(f"test.target.{suffix}", auto_delete=True)
    await target.bind(exchange, routing_key="send")
    return held.name, exchange.name, target


async def put(channel: AbstractChannel, queue: str, message_id: str, body: bytes = b"{}") -> None:
    headers = {"x-death": [{"reason": "rejected", "queue": "notification.commands", "count": 1}]}
    await channel.default_exchange.publish(
        aio_pika.Message(body, message_id=message_id, headers=headers, type="notification.email.send.v1"),
        routing_key=queue,
    )


async def test_peeking_shows_every_command_and_leaves_them_all(channel: AbstractChannel) -> None:
    held_name, exchange, _ = await queues(channel)
    for message_id in ("m-1", "m-2", "m-3"):
        await put(channel, held_name, message_id, b'{"code": "482913"}')
    held = RabbitHeldCommands(channel, held_name, exchange=exchange, routing_key="send")

    first = await held.peek(10)
    again = await held.peek(10)

    assert sorted(c.message_id for c in first) == sorted(c.message_id for c in again) == ["m-1", "m-2", "m-3"]
    assert {(c.death_reason, c.death_queue, c.body) for c in first} == {
        ("rejected", "notification.commands", b'{"code": "482913"}')
    }
    assert len(await held.peek(2)) == 2


async def test_requeueing_sends_the_chosen_commands_once_and_keeps_the_others(channel: AbstractChannel) -> None:
    held_name, exchange, target = await queues(channel)
    for message_id in ("m-1", "m-2", "m-2"):
        await put(channel, held_name, message_id)
    held = RabbitHeldCommands(channel, held_name, exchange=exchange, routing_key="send")

    assert await held.requeue(["m-2", "m-9"]) == ["m-2"]

    sent = await target.get(no_ack=True)
    assert (sent.message_id, sent.type, sent.headers["x-death"][0]["reason"]) == (
        "m-2",
        "notification.email.send.v1",
        "rejected",
    )
    assert await target.get(no_ack=True, fail=False) is None
    assert [c.message_id for c in await held.peek(10)] == ["m-1"]


async def test_requeueing_all_empties_the_queue(channel: AbstractChannel) -> None:
    held_name, exchange, _ = await queues(channel)
    for message_id in ("m-1", "m-2"):
        await put(channel, held_name, message_id)
    held = RabbitHeldCommands(channel, held_name, exchange=exchange, routing_key="send")

    assert sorted(await held.requeue(None)) == ["m-1", "m-2"]

    assert await held.peek(10) == []
