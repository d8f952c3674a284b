"""Server-side sessions: the cookie holds only a random id, the session itself stays here, indexed by
EFP Connect's `sid` so that a back-channel logout can end it.

In memory, one process: a real deployment keeps them in its shared store (database, Redis), with
the same three operations (find by id, find by sid, delete).
"""

import secrets
import time
from collections.abc import Callable
from http.cookies import SimpleCookie
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "ceres_session"
SESSION_ID = "ceres.session_id"  # the scope key where the current session's id travels
LIFETIME_SECONDS = 8 * 3600  # a working day; EFP Connect's back-channel logout usually ends it first


class SessionStore:
    def __init__(self, lifetime: float = LIFETIME_SECONDS, clock: Callable[[], float] = time.time) -> None:
        self._lifetime = lifetime
        self._clock = clock
        self._sessions: dict[str, tuple[float, dict[str, Any]]] = {}  # id -> (expires at, data)
        self._by_sid: dict[str, set[str]] = {}

    def get(self, session_id: str | None) -> dict[str, Any] | None:
        found = self._sessions.get(session_id or "")
        if found is None:
            return None
        expires_at, data = found
        if expires_at <= self._clock():
            self.forget(session_id or "")
            return None
        return data

    def save(self, data: dict[str, Any]) -> str:
        self._purge()
        session_id = secrets.token_urlsafe(32)
        self._sessions[session_id] = (self._clock() + self._lifetime, data)
        return session_id

    def bind_sid(self, session_id: str, sid: str) -> None:
        self._by_sid.setdefault(sid, set()).add(session_id)

    def forget(self, session_id: str) -> None:
        found = self._sessions.pop(session_id, None)
        sid = found[1].get("sid") if found else None
        if sid in self._by_sid:
            self._by_sid[sid].discard(session_id)

    def forget_sid(self, sid: str) -> int:
        """Ends every local session opened under EFP Connect's session `sid`; how many there were."""
        ids = self._by_sid.pop(sid, set())
        for session_id in ids:
            self._sessions.pop(session_id, None)
        return len(ids)

    def forget_sub(self, sub: str) -> int:
        """A logout token without `sid` ends all of the person's sessions (Back-Channel Logout §2.4)."""
        ids = [i for i, (_, data) in self._sessions.items() if data.get("claims", {}).get("sub") == sub]
        for session_id in ids:
            self.forget(session_id)
        return len(ids)

    def _purge(self) -> None:
        now = self._clock()
        for session_id in [i for i, (expires_at, _) in self._sessions.items() if expires_at <= now]:
            self.forget(session_id)


def renew(request: Request, store: SessionStore) -> str:
    """A new id for the session at login (no session fixation); the old one stops working."""
    old = request.scope.get(SESSION_ID)
    if old:
        store.forget(old)
    session_id = store.save(request.scope["session"])
    request.scope[SESSION_ID] = session_id
    return session_id


def end(request: Request, store: SessionStore) -> None:
    if request.scope.get(SESSION_ID):
        store.forget(request.scope[SESSION_ID])
    request.scope[SESSION_ID] = None
    request.scope["session"].clear()


class ServerSideSessions:
    """ASGI middleware giving `request.session` (what Authlib keeps state, nonce and PKCE verifier in)."""

    def __init__(self, app: ASGIApp, store: SessionStore, secure: bool) -> None:
        self.app = app
        self.store = store
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookie_id = HTTPConnection(scope).cookies.get(COOKIE)
        data = self.store.get(cookie_id)
        scope["session"] = data if data is not None else {}
        scope[SESSION_ID] = cookie_id if data is not None else None

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                session_id = scope[SESSION_ID]
                if session_id is None and scope["session"]:
                    session_id = scope[SESSION_ID] = self.store.save(scope["session"])
                if session_id != cookie_id:
                    MutableHeaders(scope=message).append("Set-Cookie", self._cookie(session_id))
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    def _cookie(self, session_id: str | None) -> str:
        cookie: SimpleCookie = SimpleCookie()
        cookie[COOKIE] = session_id or ""
        morsel = cookie[COOKIE]
        morsel["path"] = "/"
        morsel["httponly"] = True
        # Lax: the browser still sends it when EFP Connect sends it back to /callback (a top-level GET).
        morsel["samesite"] = "Lax"
        morsel["secure"] = self.secure
        if session_id is None:
            morsel["max-age"] = 0
        return morsel.OutputString()
