"""Password reset, step 2: the code received by e-mail (single use, 5 wrong tries at most)."""

from collections.abc import Callable
from datetime import datetime

from contracts.accounts import PasswordResetStepV1, VerifyPasswordResetCodeV1
from efp_runtime.message_context import MessageContext
from identity.domain.codes import is_six_digit_code
from identity.domain.errors import IdentityError, InvalidCode, InvalidInput, NotFound
from identity.use_cases.codes.ports import SecretHasher
from identity.use_cases.passwords.ports import PasswordResetRepository


class VerifyPasswordResetCode:
    def __init__(self, resets: PasswordResetRepository, hasher: SecretHasher, clock: Callable[[], datetime]) -> None:
        self._resets = resets
        self._hasher = hasher
        self._clock = clock

    async def __call__(self, request: VerifyPasswordResetCodeV1, context: MessageContext) -> PasswordResetStepV1:
        code = request.code.strip()
        if not is_six_digit_code(code):
            raise InvalidInput("Le code de réinitialisation est composé de 6 chiffres.", field="code")
        reset = await self._resets.get(request.reset_id)
        if reset is None:
            raise NotFound("Cette demande de réinitialisation est introuvable.")
        try:
            verified = reset.verify_code(self._hasher.hash(reset.id, code), self._clock())
        except IdentityError:
            await self._resets.update(reset, [])
            raise
        await self._resets.update(reset, [])
        if not verified:
            raise InvalidCode("Le code de réinitialisation saisi est incorrect.", field="code")
        return PasswordResetStepV1(reset_id=reset.id, step="password")
