"""Keeps the gateway's authorization copy current: this replica's own queue of habilitation events
(`EventQueue`), and a reload of the habilitation service's snapshot at start-up and after every
reconnection.

The queue cannot cover the time it did not exist: before start-up, and while the connection was down.
Both are covered by reading the snapshot after the queue is bound: an event published before that read
describes a change the read already sees, and the model merges what arrives during the read (see
`AuthorizationModel`).

While the connection is down the copy misses events, so it is *stale*: `fresh` is false from the
moment the connection drops until it is back and the snapshot read again, and meanwhile the route asks
the habilitation service instead (503 when it cannot). Only the habilitation service's events are
applied; an unreadable one sets off a reload.
"""

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime

from contracts.authorizations import (
    ActiveHabilitationV1,
    AuthorizationV1,
    ListActiveHabilitationsV1,
)
from contracts.habilitation import HabilitationExpiredV1, HabilitationGrantedV1, HabilitationRevokedV1
from contracts.topology import GATEWAY_AUTHORIZATIONS_QUEUE_PREFIX
from efp_runtime.senders import SenderCheck
from gateway.authorization_model import AuthorizationModel
from gateway.event_queue import EventQueue
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
        self.events: EventQueue[AuthorizationEvent] = EventQueue(
            amqp_url,
            GATEWAY_AUTHORIZATIONS_QUEUE_PREFIX,
            "gateway-authorizations",
            EVENT_TYPES,
            lambda event: apply(self.model, event),
            on_unreadable=self._schedule_reload,
            on_lost=self._on_connection_lost,
            on_restored=self._on_reconnect,
            senders=senders,
        )
        self._rpc = rpc
        self._clock = clock
        # One load at a time: a second one must not reset the journal of the first.
        self._loading = asyncio.Lock()
        self._stale = False
        self._reload: asyncio.Task[None] | None = None
        # Set when the event connection drops; cleared by a load begun after it came back.
        self._cut_off = False
        self._losses = 0
        self._disconnected = False
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
        await self.events.start()
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
        await self.events.close()

    def _on_connection_lost(self) -> None:
        # Events published from now on are lost with the exclusive queue: stop answering from the copy.
        self._losses += 1
        self._disconnected = self._cut_off = True
        logger.warning("authorization checks go to the habilitation service until the copy is reloaded")

    def _on_reconnect(self) -> None:
        logger.warning("reloading the authorization copy")
        self._disconnected = False
        self._schedule_reload()

    @property
    def queue_name(self) -> str:
        return self.events.queue_name

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
