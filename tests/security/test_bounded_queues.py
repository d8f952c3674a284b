"""Issue 14, finding 8: a flood of requests no longer piles up in a service's queue. The provisioning
step bounds every request queue (policy `efp-request-queues`, reject-publish): past the bound RabbitMQ
refuses the request, and the gateway answers 503 at once instead of queueing work nobody will wait for.
"""

import urllib.parse
from collections.abc import Iterator

import aio_pika
import pytest

from contracts.topology import rpc_queue
from devstack.pytest_plugin import RunningSystem
from efp_runtime.broker_access import ManagementApi

pytestmark = [pytest.mark.e2e, pytest.mark.security]
QUEUE = rpc_queue("identity")
BOUND = 5


@pytest.fixture
def identity_stopped(system: RunningSystem) -> Iterator[ManagementApi]:
    """Identity down, so nothing takes its requests, and its request queue bounded at BOUND (a policy of
    higher priority than the provisioned one); all put back after."""
    rabbit = system.infrastructure.rabbit
    if rabbit is None:
        pytest.skip("needs the node this session started (its console and administrator)")
    api = ManagementApi(rabbit.management_url, "guest", "guest")
    policy = "/policies/%2F/test-small-bound"
    system.kill("identity")
    try:
        bound = {"max-length": BOUND, "overflow": "reject-publish"}
        api.call("PUT", policy, {"pattern": f"^{QUEUE}$", "apply-to": "queues", "priority": 10, "definition": bound})
        yield api
    finally:
        api.call("DELETE", policy)
        api.call("DELETE", f"/queues/%2F/{urllib.parse.quote(QUEUE, safe='')}/contents")
        system.start("identity")
        system.wait_ready()


async def fill(amqp_url: str) -> int:
    """Publishes until the broker refuses; how many the queue holds."""
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        for _ in range(BOUND + 3):
            try:
                await channel.default_exchange.publish(aio_pika.Message(b"{}", expiration=60), routing_key=QUEUE)
            except aio_pika.exceptions.DeliveryError:
                break
        queue = await channel.declare_queue(QUEUE, passive=True)
        assert queue.declaration_result.message_count is not None
        return queue.declaration_result.message_count


async def test_a_full_service_queue_gets_a_503_and_keeps_nothing_more(
    system: RunningSystem, identity_stopped: ManagementApi
) -> None:
    held = await fill(system.infrastructure.amqp_url)
    assert BOUND <= held <= BOUND + 1  # a quorum queue checks its bound once a message is in its log

    with system.client() as client:
        refused = client.post("/api/v1/captchas")

    assert refused.status_code == 503
    assert refused.json()["code"] == "service_unavailable"
    connection = await aio_pika.connect(system.infrastructure.amqp_url)
    async with connection:
        queue = await (await connection.channel()).declare_queue(QUEUE, passive=True)
    assert queue.declaration_result.message_count == held  # refused by the broker, not queued
