"""Enrol an authenticator app, step 2: a code computed from the pending secret makes it the account's TOTP.

The person just proved the factor, so this session is upgraded in place (amr, second_factor_at).
The first factor of an account comes with ten recovery codes, shown once. The « double authentification
modifiée » notice is stored by the same write.
"""

import logging
from collections.abc import Callable
from datetime import datetime

from contracts.second_factor import ConfirmTotpEnrolmentV1, EnrolledV1
from efp_runtime.message_context import MessageContext
from identity.domain import totp
from identity.domain.errors import WrongSecondFactor
from identity.domain.session import AMR_OTP, with_second_factor
from identity.use_cases.accounts.ports import AccountRepository
from identity.use_cases.codes.ports import SecretHasher
from identity.use_cases.second_factor.guards import account_of, active_session, issue_recovery_codes, require_step_up
from identity.use_cases.second_factor.messages import second_factor_notice
from identity.use_cases.second_factor.ports import SecondFactorRepository, SecretBox
from identity.use_cases.second_factor.wrong_code_budget import WrongCodeBudget
from identity.use_cases.sessions.ports import SessionRepository

logger = logging.getLogger(__name__)


class ConfirmTotpEnrolment:
    def __init__(
        self,
        sessions: SessionRepository,
        accounts: AccountRepository,
        factors: SecondFactorRepository,
        box: SecretBox,
        hasher: SecretHasher,
        budget: WrongCodeBudget,
        clock: Callable[[], datetime],
    ) -> None:
        self._sessions = sessions
        self._accounts = accounts
        self._factors = factors
        self._box = box
        self._hasher = hasher
        self._budget = budget
        self._clock = clock

    async def __call__(self, request: ConfirmTotpEnrolmentV1, context: MessageContext) -> EnrolledV1:
        now = self._clock()
        session = await active_session(self._sessions, request.session_token, now)
        account = await account_of(self._accounts, session)
        factors = await self._factors.get(account.id)
        require_step_up(session, factors, now)
        pending = factors.pending_totp_at(now)
        await self._budget.check(session.account_id)
        step = totp.matching_step(self._box.open(pending.sealed_secret), request.code, now.timestamp(), None)
        if step is None:
            await self._budget.wrong(session.account_id, session, now, WrongSecondFactor(field="code"))
        assert step is not None  # wrong() raised otherwise
        first = factors.activate_totp(step, now)
        codes = issue_recovery_codes(factors, self._hasher) if first else []
        await self._factors.save(factors, second_factor_notice(account, "totp_enrolled", now, context))
        await self._sessions.prove_second_factor(session.id, with_second_factor(session.amr, AMR_OTP), now)
        logger.info("account %s: authenticator app enrolled", session.account_id)
        return EnrolledV1(recovery_codes=codes)
