"""Add a passkey, step 2: the browser's credential verified against the kept challenge, the rp id and origins.

The challenge is taken out by the same version-checked save that stores the passkey: it serves once.
Like a TOTP confirmation, this session is upgraded in place, and a first factor brings recovery codes.
The « double authentification modifiée » notice, with the passkey's name, is stored by the same write.
"""

import logging
from collections.abc import Callable
from datetime import datetime

from contracts.second_factor import EnrolledV1, FinishPasskeyRegistrationV1
from efp_runtime.message_context import MessageContext
from identity.domain.errors import WrongSecondFactor
from identity.domain.second_factor import Passkey, passkey_name
from identity.domain.session import AMR_HARDWARE_KEY, with_second_factor
from identity.use_cases.accounts.ports import AccountRepository
from identity.use_cases.codes.ports import SecretHasher
from identity.use_cases.second_factor.guards import account_of, active_session, issue_recovery_codes, require_step_up
from identity.use_cases.second_factor.messages import second_factor_notice
from identity.use_cases.second_factor.ports import PasskeyCeremonies, SecondFactorRepository
from identity.use_cases.sessions.ports import SessionRepository

logger = logging.getLogger(__name__)


class FinishPasskeyRegistration:
    def __init__(
        self,
        sessions: SessionRepository,
        accounts: AccountRepository,
        factors: SecondFactorRepository,
        ceremonies: PasskeyCeremonies,
        hasher: SecretHasher,
        clock: Callable[[], datetime],
    ) -> None:
        self._sessions = sessions
        self._accounts = accounts
        self._factors = factors
        self._ceremonies = ceremonies
        self._hasher = hasher
        self._clock = clock

    async def __call__(self, request: FinishPasskeyRegistrationV1, context: MessageContext) -> EnrolledV1:
        now = self._clock()
        name = passkey_name(request.name)
        session = await active_session(self._sessions, request.session_token, now)
        account = await account_of(self._accounts, session)
        factors = await self._factors.get(account.id)
        require_step_up(session, factors, now)
        challenge = factors.take_registration(now)
        try:
            credential = self._ceremonies.verify_registration(request.credential, challenge)
        except WrongSecondFactor:
            await self._factors.save(factors, [])  # the challenge is spent either way
            raise
        passkey = Passkey(credential.id, credential.public_key, credential.sign_count, name, now)
        first = factors.add_passkey(passkey)
        codes = issue_recovery_codes(factors, self._hasher) if first else []
        notice = second_factor_notice(account, "passkey_added", now, context, passkey_name=name)
        await self._factors.save(factors, notice)
        await self._sessions.prove_second_factor(session.id, with_second_factor(session.amr, AMR_HARDWARE_KEY), now)
        logger.info("account %s: passkey added", session.account_id)
        return EnrolledV1(recovery_codes=codes)
