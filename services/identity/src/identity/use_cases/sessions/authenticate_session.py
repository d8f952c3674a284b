"""Who is behind a session cookie: the account, if the session is still active (and not waiting for its
second step), with what the session proved (amr, second_factor_at) for the habilitation service."""

from collections.abc import Callable
from datetime import datetime

from contracts.accounts import AuthenticateSessionV1, SessionV1
from efp_runtime.message_context import MessageContext
from identity.domain.errors import SecondFactorPending, Unauthenticated
from identity.domain.session import session_id_of
from identity.use_cases.accounts.ports import AccountRepository
from identity.use_cases.second_factor.ports import SecondFactorRepository
from identity.use_cases.sessions.ports import SessionRepository


class AuthenticateSession:
    def __init__(
        self,
        sessions: SessionRepository,
        accounts: AccountRepository,
        second_factors: SecondFactorRepository,
        clock: Callable[[], datetime],
    ) -> None:
        self._sessions = sessions
        self._accounts = accounts
        self._second_factors = second_factors
        self._clock = clock

    async def __call__(self, request: AuthenticateSessionV1, context: MessageContext) -> SessionV1:
        now = self._clock()
        session = await self._sessions.get(session_id_of(request.session_token))
        if session is None or not session.alive(now):
            raise Unauthenticated()
        if session.pending_second_factor:
            raise SecondFactorPending()
        account = await self._accounts.get(session.account_id)
        if account is None:
            raise Unauthenticated()
        seen_at = session.last_seen_at
        if session.needs_touch(now):
            await self._sessions.touch(session.id, now)
            seen_at = now
        return SessionV1(
            account_id=account.id,
            kind=account.kind.value,
            csrf_token=session.csrf_token,
            siren=account.siren,
            region=account.region,
            amr=session.amr,
            second_factor_at=session.second_factor_at,
            second_factor_enrolled=await self._second_factors.enrolled(account.id),
            expires_at=session.ends_at(seen_at),
        )
