"""Who is behind a session cookie: the account, if the session is still active."""

from collections.abc import Callable
from datetime import datetime

from contracts.accounts import AuthenticateSessionV1, SessionV1
from efp_runtime.message_context import MessageContext
from identity.domain.errors import Unauthenticated
from identity.domain.session import session_id_of
from identity.use_cases.accounts.ports import AccountRepository
from identity.use_cases.sessions.ports import SessionRepository


class AuthenticateSession:
    def __init__(self, sessions: SessionRepository, accounts: AccountRepository, clock: Callable[[], datetime]) -> None:
        self._sessions = sessions
        self._accounts = accounts
        self._clock = clock

    async def __call__(self, request: AuthenticateSessionV1, context: MessageContext) -> SessionV1:
        now = self._clock()
        session = await self._sessions.get(session_id_of(request.session_token))
        if session is None or not session.active(now):
            raise Unauthenticated()
        account = await self._accounts.get(session.account_id)
        if account is None:
            raise Unauthenticated()
        if session.needs_touch(now):
            await self._sessions.touch(session.id, now)
        return SessionV1(
            account_id=account.id,
            kind=account.kind.value,
            csrf_token=session.csrf_token,
            siren=account.siren,
            region=account.region,
        )
