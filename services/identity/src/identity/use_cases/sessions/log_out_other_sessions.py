"""« Se déconnecter de mes autres sessions »: every session of the account but this one is closed
(a browser left logged in elsewhere, a stolen cookie); the person stays logged in here."""

import logging
from collections.abc import Callable
from datetime import datetime

from contracts.accounts import LogOutOtherSessionsV1, OtherSessionsClosedV1
from efp_runtime.message_context import MessageContext
from identity.domain.errors import Unauthenticated
from identity.domain.session import session_id_of
from identity.use_cases.sessions.ports import SessionRepository

logger = logging.getLogger(__name__)


class LogOutOtherSessions:
    def __init__(self, sessions: SessionRepository, clock: Callable[[], datetime]) -> None:
        self._sessions = sessions
        self._clock = clock

    async def __call__(self, request: LogOutOtherSessionsV1, context: MessageContext) -> OtherSessionsClosedV1:
        now = self._clock()
        session = await self._sessions.get(session_id_of(request.session_token))
        if session is None or not session.active(now):
            raise Unauthenticated()
        closed = await self._sessions.revoke_others(session.account_id, session.id, now)
        logger.info("account %s: %d other session(s) closed at its request", session.account_id, closed)
        return OtherSessionsClosedV1(closed=closed)
