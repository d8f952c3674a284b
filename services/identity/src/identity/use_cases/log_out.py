"""Logout: the session is revoked on the server, whatever the browser keeps."""

from collections.abc import Callable
from datetime import datetime

from contracts.accounts import DoneV1
from identity.domain.session import session_id_of
from identity.use_cases.account_ports import SessionRepository


class LogOut:
    def __init__(self, sessions: SessionRepository, clock: Callable[[], datetime]) -> None:
        self._sessions = sessions
        self._clock = clock

    async def __call__(self, session_token: str) -> DoneV1:
        await self._sessions.revoke(session_id_of(session_token), self._clock())
        return DoneV1()
