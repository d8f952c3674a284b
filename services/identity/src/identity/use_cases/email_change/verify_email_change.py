"""« Modifier mon adresse e-mail », step 2: the code received at the new address makes it the login.

5 wrong codes end the change (and count in the account's daily budget of wrong codes). On success the
old address is told, every other session of the account closes (the relying parties get their
back-channel logout), and `identity.account.email_changed.v1` is published.
"""

import logging
from collections.abc import Callable
from datetime import datetime

from contracts.accounts import AccountProfileV1
from contracts.privacy import VerifyEmailChangeV1
from efp_runtime.message_context import MessageContext
from efp_runtime.outbox import Outgoing
from identity.domain.account import Account
from identity.domain.codes import is_six_digit_code
from identity.domain.email_change import ENDED, NOTHING_PENDING
from identity.domain.errors import AccountExists, CodeExpired, IdentityError, InvalidCode, InvalidInput, TooManyAttempts
from identity.use_cases.accounts.ports import AccountRepository
from identity.use_cases.accounts.views import profile_of
from identity.use_cases.codes.code_budget import count_wrong_code, ensure_code_budget
from identity.use_cases.codes.ports import SecretHasher, WrongCodeLog
from identity.use_cases.email_change.messages import EMAIL_CHANGE_CODES, PRODUCER, announce_change
from identity.use_cases.second_factor.guards import account_of, active_session
from identity.use_cases.sessions.ports import SessionRepository

TAKEN = "Un compte EFP Connect utilise déjà cette adresse e-mail."
logger = logging.getLogger(__name__)


class VerifyEmailChange:
    def __init__(
        self,
        accounts: AccountRepository,
        sessions: SessionRepository,
        hasher: SecretHasher,
        wrong_codes: WrongCodeLog,
        clock: Callable[[], datetime],
    ) -> None:
        self._accounts = accounts
        self._sessions = sessions
        self._hasher = hasher
        self._wrong_codes = wrong_codes
        self._clock = clock

    async def __call__(self, request: VerifyEmailChangeV1, context: MessageContext) -> AccountProfileV1:
        code = request.code.strip()
        if not is_six_digit_code(code):
            raise InvalidInput("Le code de validation est composé de 6 chiffres.", field="code")
        now = self._clock()
        session = await active_session(self._sessions, request.session_token, now)
        account = await account_of(self._accounts, session)
        change = account.pending_email_change
        if change is None:
            raise CodeExpired(NOTHING_PENDING, field="code")
        await ensure_code_budget(self._wrong_codes, EMAIL_CHANGE_CODES, account.id)
        try:
            right = change.matches(self._hasher.hash(change.id, code), now)
        except IdentityError:
            await self._end(account)  # expired (or spent): the change is over, its hash goes
            raise
        if not right:
            await count_wrong_code(self._wrong_codes, EMAIL_CHANGE_CODES, account.id, now)
            logger.info("account %s: wrong e-mail change code (%d so far)", account.id, change.wrong_codes)
            if change.spent:
                await self._end(account)
                raise TooManyAttempts(ENDED, field="code")
            await self._accounts.update(account, [])
            raise InvalidCode(field="code")
        if await self._accounts.by_email(change.new_email) is not None:
            await self._end(account)  # taken since the code was sent (a sign-up finished meanwhile)
            raise AccountExists(TAKEN, field="code")
        account.change_email(now)
        out = Outgoing(PRODUCER, context)
        announce_change(account, out, now)
        # The unique index decides a race with a sign-up of the same address (AccountExists).
        await self._accounts.update(account, out.messages)
        closed = await self._sessions.revoke_others(account.id, session.id, now)
        logger.info("account %s: e-mail address changed, %d other session(s) closed", account.id, closed)
        return profile_of(account)

    async def _end(self, account: Account) -> None:
        account.pending_email_change = None
        await self._accounts.update(account, [])
