"""Every publish names its sender: the broker's (outbox relay, replies, delays) and the RPC client's carry the
connection's user as AMQP `user_id`, which RabbitMQ accepts because it is that user's own."""

import asyncio
from collections.abc import AsyncIterator

import aio_pika
import pytest
from faststream.rabbit import RabbitBroker

from contracts.rpc import PingV1
from devstack.pytest_plugin import Infrastructure
from efp_runtime.broker import create_broker
from efp_runtime.polling import eventually
from efp_runtime.rpc import REPLY_QUEUE, RpcClient
from efp_runtime.senders import broker_user
from efp_runtime.settings import RuntimeSettings

pytestmark = pytest.mark.integration


@pytest.fixture
async def broker(infrastructure: Infrastructure) -> AsyncIterator[RabbitBroker]:
    rabbit = create_broker(RuntimeSettings(AMQP_URL=infrastructure.amqp_url), "stamps")  # type: ignore[call-arg]
    await rabbit.connect()
    yield rabbit
    await rabbit.stop()


async def test_what_the_broker_publishes_carries_the_connections_user(
    broker: RabbitBroker, infrastructure: Infrastructure
) -> None:
    connection = await aio_pika.connect(infrastructure.amqp_url)
    async with connection:
        channel = await connection.channel()
        tap = await channel.declare_queue(exclusive=True, auto_delete=True)
        await broker.publish(b"{}", routing_key=tap.name)
        message = await tap.get(timeout=5)
        assert message.user_id == broker_user(infrastructure.amqp_url)


async def test_a_request_carries_the_connections_user(infrastructure: Infrastructure) -> None:
    connection = await aio_pika.connect(infrastructure.amqp_url)
    async with connection:
        channel = await connection.channel()
        # Stands for the service's request queue; nothing answers.
        queue = await channel.declare_queue("stamps-test.rpc", exclusive=True, auto_delete=True)
        client = RpcClient(infrastructure.amqp_url, "stamps", timeout_seconds=5)
        await client.connect()
        try:
            call = asyncio.create_task(client.call("stamps-test", PingV1()))
            # Taken while its caller still waits (it expires with the caller's timeout).
            message = await eventually(lambda: queue.get(fail=False), lambda found: found is not None)
            call.cancel()
        finally:
            await client.close()
        assert message is not None
        assert message.user_id == broker_user(infrastructure.amqp_url)
        assert (message.reply_to or "").startswith(REPLY_QUEUE)
