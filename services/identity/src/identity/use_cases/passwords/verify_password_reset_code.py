"""Password reset, step 2: the code received by e-mail (single use, 5 wrong tries at most, and
a daily budget of wrong codes for the address across every reset: use_cases.codes.code_budget)."""

from collections.abc import Callable
from datetime import datetime

from contracts.accounts import PasswordResetStepV1, VerifyPasswordResetCodeV1
from contracts.notification import CodesLockedEmailV1
from efp_runtime.message_context import MessageContext
from efp_runtime.outbox import Outgoing
from identity.domain.codes import is_six_digit_code
from identity.domain.errors import IdentityError, InvalidCode, InvalidInput, NotFound
from identity.use_cases.codes.code_budget import count_wrong_code, ensure_code_budget
from identity.use_cases.codes.ports import SecretHasher, WrongCodeLog
from identity.use_cases.passwords.messages import PRODUCER, RESET_CODES
from identity.use_cases.passwords.ports import PasswordResetRepository


class VerifyPasswordResetCode:
    def __init__(
        self,
        resets: PasswordResetRepository,
        hasher: SecretHasher,
        wrong_codes: WrongCodeLog,
        clock: Callable[[], datetime],
    ) -> None:
        self._resets = resets
        self._wrong_codes = wrong_codes
        self._hasher = hasher
        self._clock = clock

    async def __call__(self, request: VerifyPasswordResetCodeV1, context: MessageContext) -> PasswordResetStepV1:
        code = request.code.strip()
        if not is_six_digit_code(code):
            raise InvalidInput("Le code de réinitialisation est composé de 6 chiffres.", field="code")
        reset = await self._resets.get(request.reset_id)
        if reset is None:
            raise NotFound("Cette demande de réinitialisation est introuvable.")
        await ensure_code_budget(self._wrong_codes, RESET_CODES, reset.email)
        try:
            verified = reset.verify_code(self._hasher.hash(reset.id, code), self._clock())
        except IdentityError:
            await self._resets.update(reset, [])
            raise
        out = Outgoing(PRODUCER, context)
        spent = not verified and await count_wrong_code(self._wrong_codes, RESET_CODES, reset.email, self._clock())
        if spent and reset.account_id is not None:
            # The budget is spent now: the account's owner is told, once (an address with no account is not).
            out.email(reset.email, CodesLockedEmailV1(purpose="password_reset"), account_id=reset.account_id)
        await self._resets.update(reset, out.messages)
        if not verified:
            raise InvalidCode("Le code de réinitialisation saisi est incorrect.", field="code")
        return PasswordResetStepV1(reset_id=reset.id, step="password")
