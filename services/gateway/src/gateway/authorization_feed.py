"""Keeps the gateway's authorization copy current: this replica's own queue of habilitation events, and
a reload of the habilitation service's snapshot at start-up and after every reconnection.

Each replica answers checks from its own memory, so each needs every event: a shared queue would
give each event to one replica only. The queue is classic, exclusive and auto-deleted: it lives and
dies with the copy it feeds. Nothing in it is worth keeping once the replica is gone (the next one
loads the snapshot), and a dead replica leaves no queue behind to fill up. Messages are consumed
without acknowledgements for the same reason: a crash loses the copy along with the messages.

What the queue cannot cover is the time it did not exist: before start-up, and while the connection
was down (the broker deletes an exclusive queue with its connection). Both are covered by reading
the snapshot after the queue is bound: an event published before that read describes a change the
read already sees, and the model merges what arrives during the read (see `AuthorizationModel`).

While the connection is down the copy misses events, so it is *stale*: `fresh` is false from the
moment the connection drops until it is back and the snapshot read again, and meanwhile the route asks
the habilitation service instead (503 when it cannot). Only events whose AMQP `user_id` is `habilitation`
are applied (efp_runtime.senders): the operator or another service cannot feed the copy.
"""

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from aio_pika.abc import AbstractIncomingMessage, AbstractRobustConnection
from pydantic import ValidationError

from contracts.authorizations import (
    ActiveHabilitationV1,
    AuthorizationV1,
    ListActiveHabilitationsV1,
)
from contracts.habilitation import HabilitationExpiredV1, HabilitationGrantedV1, HabilitationRevokedV1
from contracts.topology import GATEWAY_AUTHORIZATIONS_QUEUE_PREFIX
from efp_runtime.broker import EVENTS, checked_exchange
from efp_runtime.broker_addresses import connect_failover
from efp_runtime.senders import SenderCheck
from gateway.authorization_model import AuthorizationModel
from gateway.rpc import HABILITATION, Services

logger = logging.getLogger(__name__)
PAGE = 5000
RETRY_SECONDS = 1.0
AuthorizationEvent = HabilitationGrantedV1 | HabilitationRevokedV1 | HabilitationExpiredV1
EVENT_TYPES: dict[str, type[AuthorizationEvent]] = {
    e.MESSAGE_TYPE: e for e in (HabilitationGrantedV1, HabilitationRevokedV1, HabilitationExpiredV1)
}


def apply(model: AuthorizationModel, event: AuthorizationEvent) -> None:
    """One event into the copy; idempotent, in any order."""
    h = event.habilitation
    if isinstance(event, HabilitationGrantedV1):
        active = ActiveHabilitationV1(
            id=h.id, account_id=h.account_id, service=h.service, role=h.role, siret=h.siret, end_date=h.end_date
        )
        model.granted(active)
    else:
        model.ended(h.id)


class AuthorizationFeed:
    def __init__(
        self,
        amqp_url: str,
        rpc: Services,
        clock: Callable[[], datetime],
        senders: SenderCheck | None = None,
        page_timeout_seconds: float | None = None,
    ) -> None:
        self.model = AuthorizationModel()
        self.queue_name = f"{GATEWAY_AUTHORIZATIONS_QUEUE_PREFIX}.{uuid.uuid4().hex[:12]}"
        self._url = amqp_url
        self._rpc = rpc
        self._clock = clock
        self._connection: AbstractRobustConnection | None = None
        # One load at a time: a second one must not reset the journal of the first.
        self._loading = asyncio.Lock()
        self._stale = False
        self._reload: asyncio.Task[None] | None = None
        # Set when the event connection drops; cleared by a load begun after it came back.
        self._cut_off = False
        self._losses = 0
        self._disconnected = False
        self._senders = senders or SenderCheck.of(amqp_url)
        # A page is a bulk read: under the requests' own timeout a large snapshot never loaded (each page timed
        # out, and the load began again from the first one).
        self._page_timeout = page_timeout_seconds

    @property
    def fresh(self) -> bool:
        """Loaded, and no event missed since: the copy answers checks."""
        return self.model.loaded and not self._cut_off

    def check(self, account_id: str, service: str, role: str, siret: str) -> AuthorizationV1 | None:
        """From memory; None until the first load is done (callers look at `fresh` first). Today is the clock's
        UTC date, as in the habilitation service (`Habilitation.allows`), and in tests the same shifted clock."""
        if not self.model.loaded:
            return None
        return self.model.check((account_id, service, role, siret), self._clock().date())

    async def start(self) -> None:
        """Bind and consume, then load in the background (the habilitation service may not be up yet)."""
        self._connection = await connect_failover(
            self._url, client_properties={"connection_name": "gateway-authorizations"}
        )
        channel = await self._connection.channel()
        # Only checked where provisioning declared it: the gateway's broker user may not configure it.
        exchange = await checked_exchange(self._connection, channel, EVENTS)
        queue = await channel.declare_queue(self.queue_name, exclusive=True, auto_delete=True)
        for routing_key in EVENT_TYPES:
            await queue.bind(exchange, routing_key=routing_key)
        await queue.consume(self._on_message, no_ack=True)
        # After a reconnection aio-pika has declared, bound and consumed the queue again (a new, empty
        # one): what happened meanwhile comes from the snapshot.
        self._connection.reconnect_callbacks.add(self._on_reconnect)
        self._connection.close_callbacks.add(self._on_connection_lost)
        self._schedule_reload()

    async def load(self) -> int:
        """Read the snapshot page by page and lay it under the events; returns the copy's size."""
        async with self._loading:
            losses = self._losses
            self.model.begin_load()
            try:
                snapshot: list[ActiveHabilitationV1] = []
                after_id: str | None = None
                while True:
                    request = ListActiveHabilitationsV1(after_id=after_id, limit=PAGE)
                    page = await self._rpc.call(HABILITATION, request, timeout_seconds=self._page_timeout)
                    snapshot.extend(page.habilitations)
                    if page.next_after_id is None:
                        break
                    after_id = page.next_after_id
            except BaseException:
                self.model.abandon_load()
                raise
            loaded = self.model.finish_load(snapshot)
            # Read while connected, its queue bound the whole time: nothing was missed.
            if losses == self._losses and not self._disconnected:
                self._cut_off = False
        logger.info("authorization copy loaded: %d active habilitation(s)", loaded)
        return loaded

    async def close(self) -> None:
        if self._reload is not None:
            self._reload.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reload
        if self._connection is not None:
            # Closing is no loss to report.
            self._connection.close_callbacks.discard(self._on_connection_lost)
            await self._connection.close()

    async def _on_message(self, message: AbstractIncomingMessage) -> None:
        event_type = EVENT_TYPES.get(message.routing_key or "")
        # Whatever its routing key (one put straight into this queue through the default exchange has
        # the queue's name), only the habilitation service feeds the copy: dropped (and logged) otherwise,
        # before a reload another sender could set off at will.
        if not self._senders.allows(message.user_id, (event_type or HabilitationGrantedV1).MESSAGE_TYPE):
            return
        try:
            if event_type is None:
                raise ValueError(f"unexpected routing key {message.routing_key!r}")
            event = event_type.model_validate_json(message.body)
        except (ValidationError, ValueError):
            # The habilitation service's own events, so a bug: the copy may now miss a change.
            # Say so, and heal it from the snapshot.
            logger.exception("unreadable habilitation event %s; reloading the authorization copy", message.message_id)
            self._schedule_reload()
            return
        apply(self.model, event)

    def _on_connection_lost(self, *_: Any) -> None:
        # Events published from now on are lost with the exclusive queue: stop answering from the copy.
        self._losses += 1
        self._disconnected = self._cut_off = True
        logger.warning("event connection lost; authorization checks go to the habilitation service")

    def _on_reconnect(self, *_: Any) -> None:
        logger.warning("event connection restored; reloading the authorization copy")
        self._disconnected = False
        self._schedule_reload()

    def _schedule_reload(self) -> None:
        # A request during a reload means another one after it: that one's snapshot may predate the gap.
        self._stale = True
        if self._reload is None or self._reload.done():
            self._reload = asyncio.create_task(self._reload_while_stale(), name="authorization-copy-reload")

    async def _reload_while_stale(self) -> None:
        # Meanwhile the previous copy (or, before the first load, the habilitation service) answers.
        while self._stale:
            self._stale = False
            try:
                await self.load()
            except asyncio.CancelledError:
                raise
            except Exception:
                self._stale = True
                logger.warning("authorization copy not loaded; retrying in %ss", RETRY_SECONDS, exc_info=True)
                await asyncio.sleep(RETRY_SECONDS)
