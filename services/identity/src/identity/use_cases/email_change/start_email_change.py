"""« Modifier mon adresse e-mail », step 1: the current password and the new address; a code to it.

The address follows sign-up's rules (one normal form, no shared mailbox, capped sends). An address that
has an account already gets sign-up's « tentative d'inscription » notice and the change a code hash
that no code matches: the reply is the same, so nobody learns who has an account.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from contracts.privacy import EmailChangeStepV1, StartEmailChangeV1
from efp_runtime.message_context import MessageContext, new_id
from efp_runtime.outbox import Outgoing
from identity.domain.email_change import RESEND_COOLDOWN, PendingEmailChange
from identity.domain.errors import InvalidCredentials, InvalidInput, RateLimited, SharedMailbox, Unauthenticated
from identity.domain.mailbox import is_shared_mailbox, normalise_email
from identity.use_cases.accounts.ports import AccountRepository, PasswordHasher
from identity.use_cases.codes.code_budget import ensure_code_budget
from identity.use_cases.codes.count_code_send import count_code_send
from identity.use_cases.codes.new_code import new_code
from identity.use_cases.codes.ports import RateLimiter, SecretHasher, WrongCodeLog
from identity.use_cases.email_change.messages import EMAIL_CHANGE_CODES, PRODUCER, send_code
from identity.use_cases.second_factor.guards import account_of, active_session
from identity.use_cases.sessions.ports import SessionRepository

# Guessing the password from a stolen session is throttled as « changer mon mot de passe » is.
ATTEMPTS = (10, timedelta(minutes=5))
WRONG_PASSWORD = "Le mot de passe saisi est incorrect."  # noqa: S105 (a message, not a secret)
INVALID_ADDRESS = "L'adresse e-mail saisie n'est pas valide."
SAME_ADDRESS = "La nouvelle adresse e-mail doit être différente de l'adresse actuelle."
logger = logging.getLogger(__name__)


class StartEmailChange:
    def __init__(
        self,
        accounts: AccountRepository,
        sessions: SessionRepository,
        passwords: PasswordHasher,
        hasher: SecretHasher,
        limiter: RateLimiter,
        wrong_codes: WrongCodeLog,
        shared_mailboxes: tuple[str, ...],
        clock: Callable[[], datetime],
        attempts: tuple[int, timedelta] = ATTEMPTS,
        cooldown: timedelta = RESEND_COOLDOWN,
    ) -> None:
        self._cooldown = cooldown
        self._accounts = accounts
        self._sessions = sessions
        self._passwords = passwords
        self._hasher = hasher
        self._limiter = limiter
        self._wrong_codes = wrong_codes
        self._shared_mailboxes = shared_mailboxes
        self._clock = clock
        self._attempts = attempts

    async def __call__(self, request: StartEmailChangeV1, context: MessageContext) -> EmailChangeStepV1:
        now = self._clock()
        session = await active_session(self._sessions, request.session_token, now)
        account = await account_of(self._accounts, session)
        if account.password_hash is None:
            raise Unauthenticated()
        retry_after = await self._limiter.hit(f"email-change-password:{account.id}", *self._attempts)
        if retry_after is not None:
            raise RateLimited(retry_after_seconds=retry_after)
        if not await self._passwords.verify(account.password_hash, request.password):
            raise InvalidCredentials(WRONG_PASSWORD, field="password")
        new_email = self._checked_address(request.new_email, account.email)
        if account.pending_email_change is not None:
            account.pending_email_change.ensure_resendable(now)
        # The budget of wrong codes is the account's: each new code gives fresh tries.
        await ensure_code_budget(self._wrong_codes, EMAIL_CHANGE_CODES, account.id)
        await count_code_send(self._limiter, EMAIL_CHANGE_CODES, new_email)
        owner = await self._accounts.by_email(new_email)
        change_id, code = new_id(), new_code()
        # A taken address: the stored hash is of another random code, so what was "sent" never matches.
        secret = new_code() + "-decoy" if owner is not None else code
        change = PendingEmailChange.start(
            change_id, new_email, self._hasher.hash(change_id, secret), now, self._cooldown
        )
        account.pending_email_change = change
        out = Outgoing(PRODUCER, context)
        send_code(out, account, new_email, code, owner.id if owner is not None else None)
        await self._accounts.update(account, out.messages)
        logger.info("account %s: e-mail change started", account.id)
        return EmailChangeStepV1(new_email=new_email, expires_at=change.expires_at, resendable_at=change.resendable_at)

    def _checked_address(self, raw: str, current: str) -> str:
        """The new address in sign-up's normal form; refusals name the `new_email` field."""
        try:
            address = normalise_email(raw)
        except InvalidInput as exc:
            raise InvalidInput(INVALID_ADDRESS, field="new_email") from exc
        if address == current:
            raise InvalidInput(SAME_ADDRESS, field="new_email")
        if is_shared_mailbox(address, self._shared_mailboxes):
            raise SharedMailbox(field="new_email")
        return address
