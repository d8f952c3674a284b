"""Logout: the session is revoked on the server, whatever the browser keeps."""

from collections.abc import Callable
from datetime import datetime

from contracts.accounts import DoneV1, LogOutV1
from efp_runtime.message_context import MessageContext
from identity.domain.session import session_id_of
from identity.use_cases.sessions.ports import SessionRepository


class LogOut:
    def __init__(self, sessions: SessionRepository, clock: Callable[[], datetime]) -> None:
        self._sessions = sessions
        self._clock = clock

    async def __call__(self, request: LogOutV1, context: MessageContext) -> DoneV1:
        await self._sessions.revoke(session_id_of(request.session_token), self._clock())
        return DoneV1()
