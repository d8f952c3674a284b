"""Remove the authenticator app (fresh second factor needed); with no factor left, the recovery codes go too."""

import logging
from collections.abc import Callable
from datetime import datetime

from contracts.second_factor import RemoveTotpV1, SecondFactorStatusV1
from efp_runtime.message_context import MessageContext
from identity.use_cases.accounts.ports import AccountRepository
from identity.use_cases.second_factor.guards import account_of, active_session, require_step_up
from identity.use_cases.second_factor.messages import second_factor_notice
from identity.use_cases.second_factor.ports import SecondFactorRepository
from identity.use_cases.second_factor.views import status_of
from identity.use_cases.sessions.ports import SessionRepository

logger = logging.getLogger(__name__)


class RemoveTotp:
    def __init__(
        self,
        sessions: SessionRepository,
        accounts: AccountRepository,
        factors: SecondFactorRepository,
        clock: Callable[[], datetime],
    ) -> None:
        self._sessions = sessions
        self._accounts = accounts
        self._factors = factors
        self._clock = clock

    async def __call__(self, request: RemoveTotpV1, context: MessageContext) -> SecondFactorStatusV1:
        now = self._clock()
        session = await active_session(self._sessions, request.session_token, now)
        account = await account_of(self._accounts, session)
        factors = await self._factors.get(account.id)
        require_step_up(session, factors, now)
        factors.remove_totp()
        await self._factors.save(factors, second_factor_notice(account, "totp_removed", now, context))
        logger.info("account %s: authenticator app removed", session.account_id)
        return status_of(factors)
