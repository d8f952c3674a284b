"""Password reset, step 3: the new password (same policy); every session of the account is closed."""

import logging
from collections.abc import Callable
from datetime import datetime

from contracts.accounts import AccountPasswordChangedV1, PasswordResetStepV1
from contracts.notification import PasswordChangedEmailV1, SendEmailV1
from contracts.topology import SEND_EMAIL_ROUTING_KEY
from efp_runtime.message_context import MessageContext
from efp_runtime.outbox import command_message, event_message
from identity.domain.errors import NotFound, WrongStep
from identity.domain.password_reset import ResetState
from identity.use_cases.account_ports import (
    AccountRepository,
    PasswordHasher,
    PasswordResetRepository,
    SessionRepository,
)
from identity.use_cases.choose_registration_password import check_password

PRODUCER = "identity"
logger = logging.getLogger(__name__)


class ResetPassword:
    def __init__(
        self,
        resets: PasswordResetRepository,
        accounts: AccountRepository,
        sessions: SessionRepository,
        passwords: PasswordHasher,
        is_common: Callable[[str], bool],
        clock: Callable[[], datetime],
    ) -> None:
        self._resets = resets
        self._accounts = accounts
        self._sessions = sessions
        self._passwords = passwords
        self._is_common = is_common
        self._clock = clock

    async def __call__(self, reset_id: str, password: str, context: MessageContext) -> PasswordResetStepV1:
        reset = await self._resets.get(reset_id)
        if reset is None:
            raise NotFound("Cette demande de réinitialisation est introuvable.")
        if reset.state is not ResetState.VERIFIED or reset.account_id is None:
            raise WrongStep("Saisissez d'abord le code de réinitialisation reçu par e-mail.")
        account = await self._accounts.get(reset.account_id)
        if account is None:
            raise NotFound("Ce compte est introuvable.")
        check_password(password, account.email, self._is_common)
        now = self._clock()
        reset.complete(now)
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
        await self._resets.update(reset, [])
        revoked = await self._sessions.revoke_all(account.id, now)
        logger.info("account %s: password reset, %d session(s) closed", account.id, revoked)
        return PasswordResetStepV1(reset_id=reset.id, step="completed")
