"""The queues the running system declares are the ones contracts.topology names: a queue added to a
service without its name there (so without its dead-letter queue provisioned, or unseen by efp-ops) fails."""

import urllib.parse
from collections.abc import Callable
from typing import Any

import pytest

from contracts.topology import (
    DEAD_LETTER_EXCHANGE,
    DEAD_LETTERED_QUEUES,
    GATEWAY_AUTHORIZATIONS_QUEUE_PREFIX,
    GATEWAY_SESSIONS_QUEUE_PREFIX,
    NOTIFICATION_ABANDONED_QUEUE,
    SERVICES,
    credentials_queue,
    dead_letter_queue,
    notification_delay_queue,
    rpc_queue,
)
from devstack.pytest_plugin import RunningSystem
from efp_runtime.broker_access import VHOST, ManagementApi
from efp_runtime.polling import eventually_sync

pytestmark = pytest.mark.e2e
Queue = dict[str, Any]
# Names other test modules of the same session may give their own queues on this broker are not the
# system's: only queues under a service's name are looked at.
OWNERS = (*SERVICES, "gateway")
DELAY_QUEUES = notification_delay_queue(0).removesuffix("0s")


@pytest.fixture
def listing(system: RunningSystem) -> Callable[[], list[Queue]]:
    """The services' queues on the broker, as its console lists them now."""
    rabbit = system.infrastructure.rabbit
    if rabbit is None:
        pytest.skip("needs the node this session started (its console and administrator)")
    api = ManagementApi(rabbit.management_url, "guest", "guest")

    def services_queues() -> list[Queue]:
        listed: list[Queue] = api.call("GET", f"/queues/{urllib.parse.quote(VHOST, safe='')}")
        return [queue for queue in listed if queue["name"].split(".", 1)[0] in OWNERS]

    return services_queues


def dead_lettered(queues: list[Queue]) -> set[str]:
    return {q["name"] for q in queues if q["arguments"].get("x-dead-letter-exchange") == DEAD_LETTER_EXCHANGE}


def named_in_topology(name: str) -> bool:
    return (
        name in DEAD_LETTERED_QUEUES
        or name in {dead_letter_queue(queue) for queue in DEAD_LETTERED_QUEUES}
        or name in {rpc_queue(service) for service in SERVICES}
        or name in {credentials_queue(service) for service in SERVICES}
        or name == NOTIFICATION_ABANDONED_QUEUE
        or name.startswith(
            (DELAY_QUEUES, f"{GATEWAY_AUTHORIZATIONS_QUEUE_PREFIX}.", f"{GATEWAY_SESSIONS_QUEUE_PREFIX}.")
        )
    )


def test_the_queues_with_a_dead_letter_queue_are_exactly_the_ones_topology_lists(
    listing: Callable[[], list[Queue]],
) -> None:
    wanted = set(DEAD_LETTERED_QUEUES)
    # The console may list a queue a moment after its service declared it.
    queues = eventually_sync(listing, lambda found: dead_lettered(found) >= wanted, what="the services' queues")

    assert dead_lettered(queues) == wanted
    assert {dead_letter_queue(name) for name in wanted} <= {q["name"] for q in queues}


def test_every_durable_queue_of_the_services_is_named_in_topology(listing: Callable[[], list[Queue]]) -> None:
    durable = {q["name"] for q in listing() if q["durable"]}

    assert rpc_queue("identity") in durable  # the listing holds the services' queues, it is not empty
    assert sorted(name for name in durable if not named_in_topology(name)) == []
