"""The gateway's authorization copy against the real broker: loaded from the snapshot, then following events."""

import asyncio
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import aio_pika
import pytest
from faststream.rabbit import RabbitBroker

from contracts.authorizations import ActiveHabilitationsV1, ActiveHabilitationV1, AuthorizationV1
from contracts.base import Event
from contracts.habilitation import HabilitationExpiredV1, HabilitationGrantedV1, HabilitationRevokedV1, HabilitationV1
from contracts.rpc import Request
from devstack.pytest_plugin import Infrastructure
from efp_runtime.broker import EVENTS
from efp_runtime.message_context import MessageContext, amqp_properties
from efp_runtime.outbox import event_message
from gateway.authorization_feed import AuthorizationFeed

pytestmark = pytest.mark.integration
T0 = datetime.now(UTC)
TODAY = T0.date()
SIRET, SIRET_2 = "12345678900011", "12345678900029"
# Unique per run: the e2e system of the same session publishes its own habilitation events meanwhile.
HOLDER = f"holder-{uuid.uuid4().hex[:8]}"


def habilitation(habilitation_id: str, state: str = "active", **fields: Any) -> HabilitationV1:
    values: dict[str, Any] = {
        "id": habilitation_id,
        "account_id": HOLDER,
        "service": "ceres",
        "role": "centre_agree",
        "role_label": "Centre agréé",
        "siret": SIRET,
        "siren": SIRET[:9],
        "end_date": None,
        "granted_by": "manager",
        "granted_by_name": None,
        "granted_at": T0,
        "via": "manager",
        "state": state,
    }
    return HabilitationV1(**(values | fields))


def active(h: HabilitationV1) -> ActiveHabilitationV1:
    return ActiveHabilitationV1(
        id=h.id, account_id=h.account_id, service=h.service, role=h.role, siret=h.siret, end_date=h.end_date
    )


class HabilitationService:
    """Stands in for the habilitation service's snapshot: its active habilitations, in one page."""

    def __init__(self, *held: HabilitationV1) -> None:
        self.active = {h.id: h for h in held}

    async def call(self, service: str, request: Request, *, timeout_seconds: float | None = None) -> Any:
        return ActiveHabilitationsV1(habilitations=[active(h) for h in self.active.values()], next_after_id=None)


async def publish(broker: RabbitBroker, event: Event) -> None:
    """As the habilitation service's outbox relay does: on efp.events, its type as routing key, confirmed."""
    message = event_message(event, MessageContext.fresh(), "habilitation")
    await broker.publish(
        message.body.encode(),
        exchange=EVENTS,
        routing_key=message.routing_key,
        persist=True,
        content_type="application/json",
        **amqp_properties(message.envelope()),
    )


def check(feed: AuthorizationFeed, role: str = "centre_agree", siret: str = SIRET) -> AuthorizationV1 | None:
    return feed.check(HOLDER, "ceres", role, siret)


async def _until(condition: Callable[[], bool], within: float = 10) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not condition():
        assert loop.time() < deadline, "the copy did not follow in time"
        await asyncio.sleep(0.02)


def _allowed(feed: AuthorizationFeed, **key: str) -> bool:
    answer = check(feed, **key)
    return answer is not None and answer.allowed


async def test_the_copy_loads_the_snapshot_then_follows_granted_revoked_and_expired_events(
    infrastructure: Infrastructure, broker: RabbitBroker
) -> None:
    before = habilitation("before")
    feed = AuthorizationFeed(infrastructure.amqp_url, HabilitationService(before), datetime.now)
    await feed.start()
    try:
        await _until(lambda: feed.model.loaded)
        assert check(feed) == AuthorizationV1(allowed=True, habilitation_id="before")

        end: date = TODAY + timedelta(days=3)
        dated = habilitation("dated", siret=SIRET_2, end_date=end)
        await publish(broker, HabilitationGrantedV1(habilitation=dated))
        await _until(lambda: _allowed(feed, siret=SIRET_2))
        assert check(feed, siret=SIRET_2) == AuthorizationV1(allowed=True, habilitation_id="dated", end_date=end)

        revoked = habilitation("before", state="revoked")
        await publish(broker, HabilitationRevokedV1(habilitation=revoked, revoked_by="manager"))
        await _until(lambda: not _allowed(feed))

        expired = habilitation("dated", state="expired", siret=SIRET_2, end_date=end)
        await publish(broker, HabilitationExpiredV1(habilitation=expired))
        await _until(lambda: len(feed.model) == 0)
        assert not _allowed(feed, siret=SIRET_2)
    finally:
        await feed.close()


async def test_each_replica_has_its_own_queue_which_goes_with_it(
    infrastructure: Infrastructure, broker: RabbitBroker
) -> None:
    replicas = [AuthorizationFeed(infrastructure.amqp_url, HabilitationService(), datetime.now) for _ in range(2)]
    for replica in replicas:
        await replica.start()

    await publish(broker, HabilitationGrantedV1(habilitation=habilitation("both")))
    await _until(lambda: all(_allowed(replica) for replica in replicas))

    for replica in replicas:
        await replica.close()
    connection = await aio_pika.connect(infrastructure.amqp_url)
    async with connection:
        for replica in replicas:
            channel = await connection.channel()
            with pytest.raises(aio_pika.exceptions.ChannelClosed):
                await channel.declare_queue(replica.queue_name, passive=True)


async def test_after_a_lost_connection_the_copy_reloads_what_it_missed(
    infrastructure: Infrastructure, broker: RabbitBroker
) -> None:
    service = HabilitationService(habilitation("kept"))
    feed = AuthorizationFeed(infrastructure.amqp_url, service, datetime.now)
    await feed.start()
    try:
        await _until(lambda: _allowed(feed))
        connection = feed.events.connection  # what the broker dropping the connection looks like from here
        assert connection is not None
        assert connection.transport is not None

        await connection.transport.connection.close()
        # Revoked while the replica had no queue: its event never reached us, only the snapshot knows.
        del service.active["kept"]

        await _until(lambda: not _allowed(feed), within=30)
        await publish(broker, HabilitationGrantedV1(habilitation=habilitation("after", role="gestionnaire_centres")))
        await _until(lambda: _allowed(feed, role="gestionnaire_centres"))
    finally:
        await feed.close()
