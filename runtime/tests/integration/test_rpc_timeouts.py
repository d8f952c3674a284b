"""A call may wait longer than the client's default (a bulk read): the request's expiration on the broker and
the caller's wait both follow the call's own timeout, against the real broker."""

import asyncio
from functools import partial

import aio_pika
import pytest

from contracts.rpc import PingV1, PongV1, RpcReply
from devstack.pytest_plugin import Infrastructure
from efp_runtime.polling import eventually
from efp_runtime.rpc import RpcClient, RpcUnavailable

pytestmark = pytest.mark.integration
QUEUE = "timeouts-test.rpc"
ANSWER_AFTER = 0.6


async def answer_slowly(message: aio_pika.abc.AbstractIncomingMessage, channel: aio_pika.abc.AbstractChannel) -> None:
    """Stands for a service whose answer takes longer than the client's default timeout."""
    async with message.process():
        await asyncio.sleep(ANSWER_AFTER)
        reply = RpcReply[PongV1](result=PongV1(service="timeouts-test")).model_dump_json().encode()
        await channel.default_exchange.publish(
            aio_pika.Message(reply, correlation_id=message.correlation_id), routing_key=message.reply_to or ""
        )


async def test_a_call_with_its_own_timeout_outlasts_the_clients_default(infrastructure: Infrastructure) -> None:
    connection = await aio_pika.connect(infrastructure.amqp_url)
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue(QUEUE, exclusive=True, auto_delete=True)
        await queue.consume(partial(answer_slowly, channel=channel))
        client = RpcClient(infrastructure.amqp_url, "timeouts", timeout_seconds=ANSWER_AFTER / 3)
        await client.connect()
        try:
            with pytest.raises(RpcUnavailable):
                await client.call("timeouts-test", PingV1())
            pong = await client.call("timeouts-test", PingV1(), timeout_seconds=ANSWER_AFTER * 10)
        finally:
            await client.close()
    assert pong == PongV1(service="timeouts-test")


async def test_a_request_expires_on_the_broker_with_its_calls_timeout(infrastructure: Infrastructure) -> None:
    connection = await aio_pika.connect(infrastructure.amqp_url)
    async with connection:
        channel = await connection.channel()
        # Nothing consumes: the request waits in the queue, in milliseconds as AMQP writes it.
        queue = await channel.declare_queue(QUEUE, exclusive=True, auto_delete=True)
        client = RpcClient(infrastructure.amqp_url, "timeouts", timeout_seconds=0.2)
        await client.connect()
        try:
            call = asyncio.create_task(client.call("timeouts-test", PingV1(), timeout_seconds=30))
            message = await eventually(lambda: queue.get(fail=False), lambda found: found is not None)
            call.cancel()
        finally:
            await client.close()
    assert message is not None
    assert message.expiration == 30
