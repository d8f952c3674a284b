"""Ten new recovery codes (fresh second factor needed); the old ones stop working. The « double
authentification modifiée » notice is stored by the same write."""

import logging
from collections.abc import Callable
from datetime import datetime

from contracts.second_factor import RecoveryCodesV1, RegenerateRecoveryCodesV1
from efp_runtime.message_context import MessageContext
from identity.domain.errors import SecondFactorRequired
from identity.use_cases.accounts.ports import AccountRepository
from identity.use_cases.codes.ports import SecretHasher
from identity.use_cases.second_factor.guards import account_of, active_session, issue_recovery_codes, require_step_up
from identity.use_cases.second_factor.messages import second_factor_notice
from identity.use_cases.second_factor.ports import SecondFactorRepository
from identity.use_cases.sessions.ports import SessionRepository

NOTHING_TO_RECOVER = "Configurez d'abord une double authentification : les codes de secours la remplacent."
logger = logging.getLogger(__name__)


class RegenerateRecoveryCodes:
    def __init__(
        self,
        sessions: SessionRepository,
        accounts: AccountRepository,
        factors: SecondFactorRepository,
        hasher: SecretHasher,
        clock: Callable[[], datetime],
    ) -> None:
        self._sessions = sessions
        self._accounts = accounts
        self._factors = factors
        self._hasher = hasher
        self._clock = clock

    async def __call__(self, request: RegenerateRecoveryCodesV1, context: MessageContext) -> RecoveryCodesV1:
        now = self._clock()
        session = await active_session(self._sessions, request.session_token, now)
        account = await account_of(self._accounts, session)
        factors = await self._factors.get(account.id)
        if not factors.enrolled:
            raise SecondFactorRequired(NOTHING_TO_RECOVER)
        require_step_up(session, factors, now)
        codes = issue_recovery_codes(factors, self._hasher)
        await self._factors.save(factors, second_factor_notice(account, "recovery_codes_regenerated", now, context))
        logger.info("account %s: recovery codes regenerated", session.account_id)
        return RecoveryCodesV1(recovery_codes=codes)
