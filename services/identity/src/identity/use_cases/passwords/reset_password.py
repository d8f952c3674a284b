"""Password reset, step 3: the new password (same policy); every session of the account is closed."""

import logging
from collections.abc import Callable
from datetime import datetime

from contracts.accounts import PasswordResetStepV1, ResetPasswordV1
from efp_runtime.message_context import MessageContext
from identity.domain.errors import NotFound, WrongStep
from identity.domain.password_policy import check_password
from identity.domain.password_reset import ResetState
from identity.use_cases.accounts.messages import announced
from identity.use_cases.accounts.ports import AccountRepository, PasswordHasher
from identity.use_cases.passwords.ports import PasswordResetRepository
from identity.use_cases.sessions.ports import SessionRepository

ADDRESS_CHANGED = (
    "Cette demande n'est plus valable : l'adresse e-mail du compte a été modifiée. "
    "Recommencez depuis « Mot de passe oublié »."
)
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

    async def __call__(self, request: ResetPasswordV1, context: MessageContext) -> PasswordResetStepV1:
        password = request.password
        reset = await self._resets.get(request.reset_id)
        if reset is None:
            raise NotFound("Cette demande de réinitialisation est introuvable.")
        if reset.state is not ResetState.VERIFIED or reset.account_id is None:
            raise WrongStep("Saisissez d'abord le code de réinitialisation reçu par e-mail.")
        account = await self._accounts.get(reset.account_id)
        if account is None:
            raise NotFound("Ce compte est introuvable.")
        if account.email != reset.email:
            # The address changed since the code was sent there: that mailbox proves nothing any more.
            raise NotFound(ADDRESS_CHANGED)
        check_password(password, account.email, self._is_common)
        now = self._clock()
        reset.complete(now)
        account.change_password(await self._passwords.hash(password), now)
        await self._accounts.update(account, announced(account, context))
        await self._resets.update(reset, [])
        revoked = await self._sessions.revoke_all(account.id, now)
        logger.info("account %s: password reset, %d session(s) closed", account.id, revoked)
        return PasswordResetStepV1(reset_id=reset.id, step="completed")
