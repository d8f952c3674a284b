"""Enrol an authenticator app, step 1: a new secret, kept pending (sealed) until a code from it is confirmed."""

from collections.abc import Callable
from datetime import datetime

from contracts.second_factor import StartTotpEnrolmentV1, TotpEnrolmentV1
from efp_runtime.message_context import MessageContext
from identity.domain import totp
from identity.domain.errors import Unauthenticated
from identity.use_cases.accounts.ports import AccountRepository
from identity.use_cases.second_factor.guards import active_session, require_step_up
from identity.use_cases.second_factor.ports import SecondFactorRepository, SecretBox
from identity.use_cases.sessions.ports import SessionRepository


class StartTotpEnrolment:
    def __init__(
        self,
        sessions: SessionRepository,
        accounts: AccountRepository,
        factors: SecondFactorRepository,
        box: SecretBox,
        clock: Callable[[], datetime],
    ) -> None:
        self._sessions = sessions
        self._accounts = accounts
        self._factors = factors
        self._box = box
        self._clock = clock

    async def __call__(self, request: StartTotpEnrolmentV1, context: MessageContext) -> TotpEnrolmentV1:
        now = self._clock()
        session = await active_session(self._sessions, request.session_token, now)
        account = await self._accounts.get(session.account_id)
        if account is None:
            raise Unauthenticated()
        factors = await self._factors.get(account.id)
        require_step_up(session, factors, now)
        secret = totp.new_secret()
        factors.start_totp(self._box.seal(secret), now)
        await self._factors.save(factors, [])
        return TotpEnrolmentV1(secret=secret, otpauth_uri=totp.provisioning_uri(secret, account.email))
