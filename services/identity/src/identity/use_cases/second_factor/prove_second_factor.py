"""The login's second step (pending session) or a step-up (active session): a proved factor, a new session.

The session proving is revoked and a new one replaces it (new token and CSRF token: ids change when
privileges do), with the login's `created_at` (the 12-hour life counts from the password), amr
["pwd", "otp"|"hwk", "mfa"] and second_factor_at = now. The revocation is conditional, so two
concurrent proofs on one session give one new session.
"""

import logging
import secrets
from collections.abc import Callable
from datetime import datetime

from contracts.accounts import SessionOpenedV1
from contracts.second_factor import ProveSecondFactorV1
from efp_runtime.message_context import MessageContext
from identity.domain.errors import SecondFactorRequired, Unauthenticated, WrongSecondFactor
from identity.domain.session import session_id_of
from identity.use_cases.accounts.ports import AccountRepository
from identity.use_cases.accounts.views import profile_of
from identity.use_cases.second_factor.check_second_factor import CheckSecondFactor
from identity.use_cases.second_factor.guards import proving_session
from identity.use_cases.second_factor.ports import SecondFactorRepository
from identity.use_cases.second_factor.wrong_code_budget import WrongCodeBudget
from identity.use_cases.sessions.ports import SessionRepository

NOT_ENROLLED = "Aucune double authentification n'est configurée pour ce compte."
logger = logging.getLogger(__name__)


class ProveSecondFactor:
    def __init__(
        self,
        sessions: SessionRepository,
        accounts: AccountRepository,
        factors: SecondFactorRepository,
        check: CheckSecondFactor,
        budget: WrongCodeBudget,
        clock: Callable[[], datetime],
    ) -> None:
        self._sessions = sessions
        self._accounts = accounts
        self._factors = factors
        self._check = check
        self._budget = budget
        self._clock = clock

    async def __call__(self, request: ProveSecondFactorV1, context: MessageContext) -> SessionOpenedV1:
        now = self._clock()
        session = await proving_session(self._sessions, request.session_token, request.csrf_token, now)
        account = await self._accounts.get(session.account_id)
        if account is None:
            raise Unauthenticated()
        factors = await self._factors.get(account.id)
        if not factors.enrolled:
            raise SecondFactorRequired(NOT_ENROLLED)
        await self._budget.check(account.id)
        try:
            method_amr = await self._check(request, session, account, factors, now, context)
        except WrongSecondFactor as wrong:
            logger.info("account %s: wrong second factor (%s)", account.id, request.method)
            await self._budget.wrong(account.id, session, now, wrong)
            raise
        token = secrets.token_urlsafe(32)
        successor = session.successor(session_id_of(token), secrets.token_urlsafe(24), method_amr, now)
        if not await self._sessions.replace(session.id, successor, now):
            raise Unauthenticated()
        logger.info(
            "account %s: second factor proved (%s, %s)",
            account.id,
            request.method,
            "login" if session.pending_second_factor else "step-up",
        )
        return SessionOpenedV1(
            session_token=token,
            csrf_token=successor.csrf_token,
            expires_at=successor.expires_at,
            account=profile_of(account),
            second_factor_pending=False,
            amr=successor.amr,
        )
