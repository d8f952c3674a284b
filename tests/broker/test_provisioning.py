"""Provisioning replaces request queues an earlier version declared with a dead-letter exchange, and bounds
the request queues."""

import urllib.parse
import uuid
from collections.abc import Iterator

import aio_pika
import pytest

from contracts.topology import DEAD_LETTER_EXCHANGE, credentials_queue, rpc_queue
from devstack.pytest_plugin import Infrastructure
from efp_runtime.broker_access import ManagementApi, bound_request_queues, drop_dead_lettered_request_queues

pytestmark = pytest.mark.integration


@pytest.fixture
def vhost(infrastructure: Infrastructure) -> Iterator[tuple[ManagementApi, str, str]]:
    """A virtual host of its own, so the running services' queues are not touched."""
    if infrastructure.rabbit is None:
        pytest.skip("needs the node this session started (its console and administrator)")
    api = ManagementApi(infrastructure.rabbit.management_url, "guest", "guest")
    name = f"migration-{uuid.uuid4().hex[:8]}"
    quoted = urllib.parse.quote(name, safe="")
    api.call("PUT", f"/vhosts/{quoted}", {})
    api.call("PUT", f"/permissions/{quoted}/guest", {"configure": ".*", "write": ".*", "read": ".*"})
    url = infrastructure.amqp_url.rstrip("/") + "/" + quoted
    try:
        yield api, name, url
    finally:
        api.call("DELETE", f"/vhosts/{quoted}")


async def test_a_request_queue_with_a_dead_letter_exchange_is_deleted_and_a_current_one_kept(
    vhost: tuple[ManagementApi, str, str],
) -> None:
    api, name, url = vhost
    old, current = rpc_queue("identity"), rpc_queue("habilitation")
    connection = await aio_pika.connect(url)
    async with connection:
        channel = await connection.channel()
        quorum = {"x-queue-type": "quorum"}
        await channel.declare_queue(
            old, durable=True, arguments={**quorum, "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE}
        )
        await channel.declare_queue(current, durable=True, arguments={**quorum, "x-delivery-limit": 5})

    drop_dead_lettered_request_queues(api, name)

    left = {queue["name"] for queue in api.call("GET", f"/queues/{urllib.parse.quote(name, safe='')}")}
    assert old not in left
    assert current in left


async def test_a_full_request_queue_refuses_the_next_request(vhost: tuple[ManagementApi, str, str]) -> None:
    """Issue 14, finding 8: the policy bounds the request and credentials queues, and RabbitMQ refuses
    (nacks) the requests past the bound instead of queueing them: the caller learns at once. (A quorum
    queue checks its bound once the message is in its log, so it may take one past it.)"""
    api, name, url = vhost
    bound_request_queues(api, name, 3)
    connection = await aio_pika.connect(url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        await channel.declare_queue(rpc_queue("identity"), durable=True, arguments={"x-queue-type": "quorum"})
        await channel.declare_queue(credentials_queue("habilitation"), durable=False)
        for queue in (rpc_queue("identity"), credentials_queue("habilitation")):
            accepted = 0
            for _ in range(6):
                try:
                    await channel.default_exchange.publish(aio_pika.Message(b"{}"), routing_key=queue)
                    accepted += 1
                except aio_pika.exceptions.DeliveryError:
                    pass
            declared = await channel.declare_queue(queue, passive=True)

            assert 3 <= accepted <= 4, queue
            assert declared.declaration_result.message_count == accepted
