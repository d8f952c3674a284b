"""Change password while logged in: the current password, then the sign-up policy; the other sessions close.

The session that asks stays open (the person is at the keyboard); every other session of the
account is closed, as after a reset. The same « mot de passe modifié » event and e-mail as a reset.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from contracts.accounts import ChangePasswordV1, DoneV1
from efp_runtime.message_context import MessageContext
from identity.domain.errors import InvalidCredentials, RateLimited, Unauthenticated, WeakPassword
from identity.domain.password_policy import check_password
from identity.domain.session import session_id_of
from identity.use_cases.accounts.messages import announced
from identity.use_cases.accounts.ports import AccountRepository, PasswordHasher
from identity.use_cases.codes.ports import RateLimiter
from identity.use_cases.sessions.ports import SessionRepository

# Guessing the current password from a stolen session is throttled like a login by address.
ATTEMPTS = (10, timedelta(minutes=5))
WRONG_CURRENT = "Le mot de passe actuel est incorrect."
SAME_AS_CURRENT = "Le nouveau mot de passe doit être différent du mot de passe actuel."
logger = logging.getLogger(__name__)


class ChangePassword:
    def __init__(
        self,
        accounts: AccountRepository,
        sessions: SessionRepository,
        passwords: PasswordHasher,
        limiter: RateLimiter,
        is_common: Callable[[str], bool],
        clock: Callable[[], datetime],
        attempts: tuple[int, timedelta] = ATTEMPTS,
    ) -> None:
        self._accounts = accounts
        self._sessions = sessions
        self._passwords = passwords
        self._limiter = limiter
        self._is_common = is_common
        self._clock = clock
        self._attempts = attempts

    async def __call__(self, request: ChangePasswordV1, context: MessageContext) -> DoneV1:
        current_password, password = request.current_password, request.password
        now = self._clock()
        session = await self._sessions.get(session_id_of(request.session_token))
        if session is None or not session.active(now):
            raise Unauthenticated()
        account = await self._accounts.get(session.account_id)
        if account is None or account.password_hash is None:
            raise Unauthenticated()
        retry_after = await self._limiter.hit(f"change-password:{account.id}", *self._attempts)
        if retry_after is not None:
            raise RateLimited(retry_after_seconds=retry_after)
        if not await self._passwords.verify(account.password_hash, current_password):
            raise InvalidCredentials(WRONG_CURRENT, field="current_password")
        if password == current_password:
            raise WeakPassword(SAME_AS_CURRENT, field="password")
        check_password(password, account.email, self._is_common)
        account.change_password(await self._passwords.hash(password), now)
        await self._accounts.update(account, announced(account, context))
        revoked = await self._sessions.revoke_others(account.id, session.id, now)
        logger.info("account %s: password changed, %d other session(s) closed", account.id, revoked)
        return DoneV1()
