"""Add a passkey, step 1: creation options for the browser; the challenge is kept 5 minutes with the factors."""

from collections.abc import Callable
from datetime import datetime

from contracts.second_factor import PasskeyOptionsV1, StartPasskeyRegistrationV1
from efp_runtime.message_context import MessageContext
from identity.domain.errors import Unauthenticated
from identity.use_cases.accounts.ports import AccountRepository
from identity.use_cases.second_factor.guards import active_session, require_step_up
from identity.use_cases.second_factor.ports import PasskeyCeremonies, SecondFactorRepository
from identity.use_cases.sessions.ports import SessionRepository


class StartPasskeyRegistration:
    def __init__(
        self,
        sessions: SessionRepository,
        accounts: AccountRepository,
        factors: SecondFactorRepository,
        ceremonies: PasskeyCeremonies,
        clock: Callable[[], datetime],
    ) -> None:
        self._sessions = sessions
        self._accounts = accounts
        self._factors = factors
        self._ceremonies = ceremonies
        self._clock = clock

    async def __call__(self, request: StartPasskeyRegistrationV1, context: MessageContext) -> PasskeyOptionsV1:
        now = self._clock()
        session = await active_session(self._sessions, request.session_token, now)
        account = await self._accounts.get(session.account_id)
        if account is None:
            raise Unauthenticated()
        factors = await self._factors.get(account.id)
        require_step_up(session, factors, now)
        options = self._ceremonies.registration_options(account.id, account.email, [p.id for p in factors.passkeys])
        factors.start_registration(options.challenge, now)
        await self._factors.save(factors, [])
        return PasskeyOptionsV1(options=options.options_json)
