"""The gateway's session cache against the real broker: identity's `identity.session.changed.v1` drops the
account's answers in every replica; a lost event connection drops them all and stops keeping any until it
is back."""

import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import pytest
from faststream.rabbit import RabbitBroker

from contracts.accounts import SessionsChangedV1, SessionV1
from devstack.pytest_plugin import Infrastructure
from efp_runtime.broker import EVENTS
from efp_runtime.message_context import MessageContext, amqp_properties
from efp_runtime.outbox import event_message
from efp_runtime.polling import eventually
from gateway.session_cache import SessionCache

pytestmark = pytest.mark.integration
# Unique per run: the e2e system of the same session publishes its own session events meanwhile.
ACCOUNT, OTHER = (f"{who}-{uuid.uuid4().hex[:8]}" for who in ("ada", "bob"))


def session(account_id: str) -> SessionV1:
    ends = datetime.now(UTC) + timedelta(minutes=30)
    return SessionV1(account_id=account_id, kind="user", csrf_token="csrf", siren=None, expires_at=ends)


@pytest.fixture
async def replicas(infrastructure: Infrastructure) -> AsyncIterator[list[SessionCache]]:
    caches = [SessionCache(infrastructure.amqp_url, lambda: datetime.now(UTC), 60) for _ in range(2)]
    for cache in caches:
        await cache.start()
    yield caches
    for cache in caches:
        await cache.close()


async def announce(broker: RabbitBroker, account_id: str) -> None:
    """As identity's outbox relay does: on efp.events, the type as routing key."""
    event = SessionsChangedV1(account_id=account_id, changed_at=datetime.now(UTC))
    message = event_message(event, MessageContext.fresh(), "identity")
    await broker.publish(
        message.body.encode(),
        exchange=EVENTS,
        routing_key=message.routing_key,
        persist=True,
        content_type="application/json",
        **amqp_properties(message.envelope()),
    )


async def until(condition: Callable[[], object], within: float = 10) -> None:
    async def probe() -> object:
        return condition()

    await eventually(probe, within=within)


async def test_a_change_announced_by_identity_drops_the_accounts_answers_in_every_replica(
    replicas: list[SessionCache], broker: RabbitBroker
) -> None:
    for cache in replicas:
        cache.keep("t-ada", session(ACCOUNT), cache.asked())
        cache.keep("t-bob", session(OTHER), cache.asked())

    await announce(broker, ACCOUNT)

    await until(lambda: all(cache.get("t-ada") is None for cache in replicas))
    assert all(cache.get("t-bob") is not None for cache in replicas)


async def test_a_lost_event_connection_drops_everything_and_keeps_nothing_until_it_is_back(
    replicas: list[SessionCache], broker: RabbitBroker
) -> None:
    cache = replicas[0]
    cache.keep("t-ada", session(ACCOUNT), cache.asked())
    connection = cache.events.connection  # what the broker dropping the connection looks like from here
    assert connection is not None
    assert connection.transport is not None

    await connection.transport.connection.close()

    await until(lambda: cache.get("t-ada") is None)
    cache.keep("t-ada", session(ACCOUNT), cache.asked())
    assert cache.get("t-ada") is None
    # aio-pika reconnects and binds a new queue: answers are kept again, and events heard again.
    await until(lambda: cache.keep("t-bob", session(OTHER), cache.asked()) or cache.get("t-bob"), within=30)
    await announce(broker, OTHER)
    await until(lambda: cache.get("t-bob") is None)
