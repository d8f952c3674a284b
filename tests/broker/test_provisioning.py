"""Provisioning replaces request queues an earlier version declared with a dead-letter exchange."""

import urllib.parse
import uuid
from collections.abc import Iterator

import aio_pika
import pytest

from contracts.topology import DEAD_LETTER_EXCHANGE, rpc_queue
from devstack.pytest_plugin import Infrastructure
from efp_runtime.broker_access import ManagementApi, drop_dead_lettered_request_queues

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
