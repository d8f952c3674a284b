"""A tap on the broker: a temporary queue bound to an exchange, and what it caught during a test."""

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import aio_pika
from aio_pika.abc import AbstractIncomingMessage, AbstractQueue

from contracts.topology import EVENTS_EXCHANGE
from efp_runtime.polling import eventually

Caught = list[AbstractIncomingMessage]


@asynccontextmanager
async def tapped(
    amqp_url: str, routing_key: str = "#", exchange: str = EVENTS_EXCHANGE
) -> AsyncIterator[AbstractQueue]:
    """An exclusive queue bound to `exchange`: it gets a copy of every message published from now on."""
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue(exclusive=True, auto_delete=True)
        await queue.bind(await channel.get_exchange(exchange), routing_key=routing_key)
        yield queue


async def drain(queue: AbstractQueue, until: Callable[[Caught], bool], within: float = 10, settle: float = 0) -> Caught:
    """What the queue caught, once `until` holds for it (`within` seconds at most, else the test fails),
    then until it has been quiet for `settle` seconds (what is published later, e.g. by the outbox relay)."""
    caught: Caught = []

    async def more() -> Caught:
        while (message := await queue.get(no_ack=True, fail=False)) is not None:
            caught.append(message)
        return caught

    await eventually(more, until, within=within, what="the messages awaited on the tap")
    clock = asyncio.get_running_loop().time
    quiet_since = clock()
    while clock() - quiet_since < settle:
        before = len(caught)
        await asyncio.sleep(0.05)
        if len(await more()) > before:
            quiet_since = clock()
    return caught


def types(caught: Caught) -> set[str]:
    return {m.type for m in caught if m.type}
