"""The web session: what the server keeps for one browser, behind the web service's own cookie.

The browser holds only a random token (the cookie); the store keeps its SHA-256 with the gateway
session cookie (and the name it came under), the gateway's CSRF token, this service's own CSRF token
and the step a person has reached in a multi-page flow (a registration or reset id). The gateway
session never reaches the browser. A session is rotated (new token, old one deleted) when a person
logs in or out.
"""

import hashlib
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, TypeVar

from pymongo import AsyncMongoClient
from pymongo.errors import ConnectionFailure

TOUCH_EVERY = timedelta(minutes=1)
T = TypeVar("T")
# The gateway's session cookie over plain HTTP, and the name of one stored before names were kept; behind
# HTTPS the gateway names it `__Host-efp_session` (web.gateway): it goes back under the name it came with.
GATEWAY_COOKIE = "efp_session"


async def _once_more_on_a_closed_connection(operation: Callable[[], Awaitable[T]]) -> T:
    """A pooled connection the store closed (it restarted) fails the first call on it: every call
    here is idempotent (read, replace or delete by id), so it is made once more on a fresh one."""
    try:
        return await operation()
    except ConnectionFailure:
        return await operation()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class WebSession:
    token: str
    csrf_token: str
    created_at: datetime
    expires_at: datetime
    gateway_cookie: str | None = None
    gateway_cookie_name: str = GATEWAY_COOKIE
    gateway_csrf: str | None = None
    # Flow state: registration_id, reset_id, activation_id, the page to return to after login…
    flow: dict[str, str] = field(default_factory=dict)
    # Forms already handled (their one-time id → where they led): a double submit does nothing twice.
    done_forms: dict[str, str] = field(default_factory=dict)
    is_new: bool = False
    changed: bool = False
    # When the store would end it for idleness, as loaded (None: never saved).
    idle_until: datetime | None = None

    def needs_touch(self, now: datetime, idle: timedelta) -> bool:
        """A logged-in person's visits keep the session alive; one write a minute is enough for
        that (it then ends at most a minute early), rather than one per page."""
        return self.logged_in and (self.idle_until is None or self.idle_until < now + idle - TOUCH_EVERY)

    @property
    def logged_in(self) -> bool:
        return self.gateway_cookie is not None

    def keep_gateway_cookie(self, cookie: tuple[str, str | None] | None) -> None:
        """The gateway session's cookie as (name, value), kept under the name the gateway gave it; None: none."""
        self.gateway_cookie_name, self.gateway_cookie = cookie or (GATEWAY_COOKIE, None)

    def remember(self, **values: str | None) -> None:
        for key, value in values.items():
            if value is None:
                self.flow.pop(key, None)
            else:
                self.flow[key] = value
        self.changed = True


class SessionStore(Protocol):
    async def load(self, token: str) -> WebSession | None: ...
    async def save(self, session: WebSession) -> None: ...
    async def delete(self, token: str) -> None: ...


def open_session(now: datetime, absolute: timedelta) -> WebSession:
    return WebSession(new_token(), new_token(), now, now + absolute, is_new=True, changed=True)


def rotated(session: WebSession, now: datetime, absolute: timedelta) -> WebSession:
    """A new token and CSRF token for the same flow state (at login and logout: no fixation)."""
    fresh = open_session(now, absolute)
    fresh.flow = dict(session.flow)
    return fresh


def _document(session: WebSession, idle_until: datetime) -> dict[str, Any]:
    return {
        "_id": token_hash(session.token),
        "csrf_token": session.csrf_token,
        "created_at": session.created_at,
        "expires_at": session.expires_at,
        # The TTL index removes a session idle past its limit (or past its absolute end).
        "idle_until": min(idle_until, session.expires_at),
        "gateway_cookie": session.gateway_cookie,
        "gateway_cookie_name": session.gateway_cookie_name,
        "gateway_csrf": session.gateway_csrf,
        "flow": session.flow,
        "done_forms": dict(list(session.done_forms.items())[-20:]),
    }


class MongoSessionStore:
    """Sessions in the web service's own database, so every replica serves every browser."""

    def __init__(self, client: AsyncMongoClient[dict[str, Any]], database: str, idle: timedelta) -> None:
        self._sessions = client[database]["sessions"]
        self._idle = idle

    async def create_indexes(self) -> None:
        await self._sessions.create_index("idle_until", expireAfterSeconds=0)

    async def load(self, token: str) -> WebSession | None:
        document = await _once_more_on_a_closed_connection(lambda: self._sessions.find_one({"_id": token_hash(token)}))
        now = datetime.now(UTC)
        if document is None or _aware(document["idle_until"]) <= now:
            return None
        return WebSession(
            token=token,
            csrf_token=document["csrf_token"],
            created_at=_aware(document["created_at"]),
            expires_at=_aware(document["expires_at"]),
            gateway_cookie=document.get("gateway_cookie"),
            gateway_cookie_name=document.get("gateway_cookie_name") or GATEWAY_COOKIE,
            gateway_csrf=document.get("gateway_csrf"),
            flow=dict(document.get("flow") or {}),
            done_forms=dict(document.get("done_forms") or {}),
            idle_until=_aware(document["idle_until"]),
        )

    async def save(self, session: WebSession) -> None:
        document = _document(session, datetime.now(UTC) + self._idle)
        await _once_more_on_a_closed_connection(
            lambda: self._sessions.replace_one({"_id": document["_id"]}, document, upsert=True)
        )

    async def delete(self, token: str) -> None:
        await _once_more_on_a_closed_connection(lambda: self._sessions.delete_one({"_id": token_hash(token)}))


class MemorySessionStore:
    """The same store in memory, for unit tests of the pages."""

    def __init__(self) -> None:
        self.sessions: dict[str, WebSession] = {}

    async def load(self, token: str) -> WebSession | None:
        session = self.sessions.get(token_hash(token))
        if session is None or session.expires_at <= datetime.now(UTC):
            return None
        return WebSession(**{**session.__dict__, "flow": dict(session.flow), "is_new": False, "changed": False})

    async def save(self, session: WebSession) -> None:
        self.sessions[token_hash(session.token)] = session

    async def delete(self, token: str) -> None:
        self.sessions.pop(token_hash(token), None)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
