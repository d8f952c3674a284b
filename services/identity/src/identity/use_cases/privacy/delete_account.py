"""« Supprimer mon compte »: the session, the password, a fresh second factor, no organisation left without
an access manager; then the deletion (EraseAccount).

Every refusal happens before anything is written. The password guesses share change_password's budget:
a stolen session gets no more tries by asking for a deletion.
"""

from collections.abc import Callable
from datetime import datetime

from contracts.privacy import AccountDeletionV1, DeleteAccountV1
from efp_runtime.message_context import MessageContext
from identity.domain.errors import InvalidCredentials, RateLimited, Unauthenticated
from identity.domain.privacy import WRONG_PASSWORD, last_manager
from identity.use_cases.accounts.ports import AccountRepository, PasswordHasher
from identity.use_cases.codes.ports import RateLimiter
from identity.use_cases.passwords.change_password import ATTEMPTS
from identity.use_cases.privacy.erase_account import EraseAccount
from identity.use_cases.privacy.ports import DeletionBlockers
from identity.use_cases.second_factor.guards import account_of, active_session, require_step_up
from identity.use_cases.second_factor.ports import SecondFactorRepository
from identity.use_cases.sessions.ports import SessionRepository


class DeleteAccount:
    def __init__(
        self,
        sessions: SessionRepository,
        accounts: AccountRepository,
        passwords: PasswordHasher,
        limiter: RateLimiter,
        factors: SecondFactorRepository,
        blockers: DeletionBlockers,
        erase: EraseAccount,
        clock: Callable[[], datetime],
    ) -> None:
        self._sessions = sessions
        self._accounts = accounts
        self._passwords = passwords
        self._limiter = limiter
        self._factors = factors
        self._blockers = blockers
        self._erase = erase
        self._clock = clock

    async def __call__(self, request: DeleteAccountV1, context: MessageContext) -> AccountDeletionV1:
        now = self._clock()
        session = await active_session(self._sessions, request.session_token, now)
        account = await account_of(self._accounts, session)
        if account.password_hash is None:
            raise Unauthenticated()
        # The same key as ChangePassword's: one budget of current-password guesses per account.
        retry_after = await self._limiter.hit(f"change-password:{account.id}", *ATTEMPTS)
        if retry_after is not None:
            raise RateLimited(retry_after_seconds=retry_after)
        if not await self._passwords.verify(account.password_hash, request.password):
            raise InvalidCredentials(WRONG_PASSWORD, field="password")
        require_step_up(session, await self._factors.get(account.id), now)
        blocking = (await self._blockers.of(account.id)).organisations
        if blocking:
            raise last_manager(blocking[0].siren, blocking[0].name)
        await self._erase(account, "requested", now, context)
        return AccountDeletionV1(deleted_at=now)
