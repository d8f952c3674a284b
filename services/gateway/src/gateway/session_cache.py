"""The gateway's copy of identity's answers to « who is behind this cookie? », so that most requests do
not ask identity again: a few seconds of them, dropped as soon as identity says a session changed.

Only successes are kept (an unknown, ended or pending session is asked again each time), keyed by the
SHA-256 of the token (no cookie is kept in memory), each at most `max_age` seconds and never past the end
identity gave it (`SessionV1.expires_at`, its idle or absolute end): the shortness also keeps identity's
last-seen current, which it saves at most once a minute.

What makes a copy wrong is told two ways:
- `identity.session.changed.v1` (the account's id) from this replica's own exclusive queue (`EventQueue`),
  published by identity's write that ended or changed the session: every replica drops the account's;
- this replica's own requests that change sessions (`Request.CHANGES_SESSIONS`: logout, a changed password,
  a second factor...) drop theirs as soon as they are answered (`SessionChanges`), so the caller's next
  request never sees the old state here, even before the event arrives.

An answer asked for before a change and arriving after it is not kept (each answer carries the time it
was asked: `asked`). While the event connection is down nothing is kept or served: changes are missed.
An account's kind, SIREN and région never change, so a session changes only by the ways above.
"""

import hashlib
import logging
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from contracts.accounts import SessionsChangedV1, SessionV1
from contracts.rpc import Request as RpcRequest
from contracts.rpc import ResultT
from contracts.topology import GATEWAY_SESSIONS_QUEUE_PREFIX
from efp_runtime.senders import SenderCheck
from gateway.event_queue import EventQueue
from gateway.rpc import Services

logger = logging.getLogger(__name__)
# Sessions kept at once (about 1 KB each); past it the oldest go first.
MAX_ENTRIES = 20_000
# Changes remembered this long to refuse answers asked for before them: longer than any request's wait.
CHANGES_KEPT_SECONDS = 120.0
EVERYTHING = "*"


@dataclass(frozen=True)
class _Entry:
    session: SessionV1
    kept_until: float  # monotonic


class SessionCache:
    def __init__(
        self,
        amqp_url: str,
        clock: Callable[[], datetime],
        max_age_seconds: float,
        *,
        max_entries: int = MAX_ENTRIES,
        senders: SenderCheck | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.events: EventQueue[SessionsChangedV1] = EventQueue(
            amqp_url,
            GATEWAY_SESSIONS_QUEUE_PREFIX,
            "gateway-sessions",
            {SessionsChangedV1.MESSAGE_TYPE: SessionsChangedV1},
            lambda event: self.account_changed(event.account_id),
            on_unreadable=self.clear,
            on_lost=self._lost,
            on_restored=self._restored,
            senders=senders,
        )
        self._clock = clock
        self._max_age = max_age_seconds
        self._max_entries = max_entries
        self._now = monotonic
        self._entries: OrderedDict[bytes, _Entry] = OrderedDict()
        self._by_account: dict[str, set[bytes]] = {}
        # When each account (or token, or EVERYTHING) last changed, oldest first, to refuse older answers.
        self._changed: dict[str | bytes, float] = {}
        self._changes: deque[tuple[float, str | bytes]] = deque()
        self._listening = False

    async def start(self) -> None:
        await self.events.start()
        self._listening = True

    async def close(self) -> None:
        self._listening = False
        self.clear()
        await self.events.close()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, token: str) -> SessionV1 | None:
        key = _key(token)
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires_at = entry.session.expires_at
        if self._now() >= entry.kept_until or (expires_at is not None and self._clock() >= expires_at):
            self._drop(key)
            return None
        return entry.session

    def asked(self) -> float:
        """The time an answer is asked for: `keep` refuses it if its account changed since."""
        return self._now()

    def keep(self, token: str, session: SessionV1, asked: float) -> None:
        key = _key(token)
        if not self._listening or self._max_age <= 0 or self._changed_since(asked, key, session.account_id):
            return
        self._drop(key)
        self._entries[key] = _Entry(session, asked + self._max_age)
        self._by_account.setdefault(session.account_id, set()).add(key)
        while len(self._entries) > self._max_entries:
            self._drop(next(iter(self._entries)))

    def account_changed(self, account_id: str) -> None:
        self._note_change(account_id)
        for key in list(self._by_account.get(account_id, ())):
            self._drop(key)

    def session_ended(self, token: str) -> None:
        key = _key(token)
        self._note_change(key)
        self._drop(key)

    def account_changed_from(self, token: str) -> None:
        """This session's account changed: its sessions are dropped, all of them if it is not known here."""
        entry = self._entries.get(_key(token))
        self.session_ended(token)
        if entry is not None:
            self.account_changed(entry.session.account_id)
        else:
            self.clear()

    def clear(self) -> None:
        self._note_change(EVERYTHING)
        self._entries.clear()
        self._by_account.clear()

    def _changed_since(self, asked: float, key: bytes, account_id: str) -> bool:
        if self._now() - asked >= CHANGES_KEPT_SECONDS:
            return True  # older than what is remembered: it may predate a change
        return any(self._changed.get(what, -1.0) >= asked for what in (key, account_id, EVERYTHING))

    def _note_change(self, what: str | bytes) -> None:
        now = self._now()
        self._changed[what] = now
        self._changes.append((now, what))
        while self._changes and self._changes[0][0] < now - CHANGES_KEPT_SECONDS:
            at, old = self._changes.popleft()
            if self._changed.get(old) == at:
                del self._changed[old]

    def _drop(self, key: bytes) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            keys = self._by_account.get(entry.session.account_id)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._by_account[entry.session.account_id]

    def _lost(self) -> None:
        # Changes published from now on are lost with the exclusive queue.
        self._listening = False
        self.clear()
        logger.warning("session answers are asked of identity on every request until the events are back")

    def _restored(self) -> None:
        # The queue is bound again: what changes from now on is heard. What changed meanwhile was not kept.
        self.clear()
        self._listening = True


class SessionChanges:
    """The RPC client, telling the cache of each request that may change sessions once it is answered (or
    refused: it may have changed them all the same), so this replica never serves the state before it."""

    def __init__(self, rpc: Services, cache: SessionCache) -> None:
        self._rpc = rpc
        self._cache = cache

    @property
    def connected(self) -> bool:
        return self._rpc.connected

    async def call(
        self, service: str, request: RpcRequest[ResultT], *, timeout_seconds: float | None = None
    ) -> ResultT:
        try:
            return await self._rpc.call(service, request, timeout_seconds=timeout_seconds)
        finally:
            if request.CHANGES_SESSIONS is not None:
                self._changed_by(request)

    def _changed_by(self, request: Any) -> None:
        # A login names the browser's previous session, which it closes.
        token = getattr(request, "session_token", None) or getattr(request, "previous_session_token", None)
        if request.CHANGES_SESSIONS == "this":
            if token:
                self._cache.session_ended(token)
        elif token:
            self._cache.account_changed_from(token)
        else:
            # A password reset by its link: the account is not known here.
            self._cache.clear()


def _key(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()
