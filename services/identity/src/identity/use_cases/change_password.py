"""Change password while logged in: the current password, then the sign-up policy; the other sessions close.

The session that asks stays open (the person is at the keyboard); every other session of the
account is closed, as after a reset. The same « mot de passe modifié » event and e-mail as a reset.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from contracts.accounts import AccountPasswordChangedV1, DoneV1
from contracts.notification import PasswordChangedEmailV1, SendEmailV1
from contracts.topology import SEND_EMAIL_ROUTING_KEY
from efp_runtime.message_context import MessageContext
from efp_runtime.outbox import command_message, event_message
from identity.domain.errors import InvalidCredentials, RateLimited, Unauthenticated, WeakPassword
from identity.domain.session import session_id_of
from identity.use_cases.account_ports import AccountRepository, PasswordHasher, RateLimiter, SessionRepository
from identity.use_cases.choose_registration_password import check_password

PRODUCER = "identity"
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

    async def __call__(
        self, session_token: str, current_password: str, password: str, context: MessageContext
    ) -> DoneV1:
        now = self._clock()
        session = await self._sessions.get(session_id_of(session_token))
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
        changed = AccountPasswordChangedV1(account_id=account.id, changed_at=now)
        email = SendEmailV1(to=account.email, content=PasswordChangedEmailV1(), account_id=account.id)
        await self._accounts.update(
            account,
            [
                event_message(changed, context, PRODUCER),
                command_message(email, SEND_EMAIL_ROUTING_KEY, context, PRODUCER),
            ],
        )
        revoked = await self._sessions.revoke_others(account.id, session.id, now)
        logger.info("account %s: password changed, %d other session(s) closed", account.id, revoked)
        return DoneV1()
