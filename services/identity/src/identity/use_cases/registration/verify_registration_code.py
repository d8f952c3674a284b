"""Sign-up step 2: the 6-digit code received by e-mail proves the address (5 tries a code, and a
daily budget of wrong codes for the address across resends and new sign-ups: codes.code_budget)."""

import logging
from collections.abc import Callable
from datetime import datetime

from contracts.identity import RegistrationStepV1, VerifyRegistrationCodeV1
from contracts.notification import CodesLockedEmailV1
from efp_runtime.message_context import MessageContext
from efp_runtime.outbox import Outgoing
from identity.domain.codes import is_six_digit_code
from identity.domain.errors import IdentityError, InvalidCode, InvalidInput
from identity.use_cases.codes.code_budget import count_wrong_code, ensure_code_budget
from identity.use_cases.codes.ports import SecretHasher, WrongCodeLog
from identity.use_cases.registration.find_registration import find_registration
from identity.use_cases.registration.messages import PRODUCER, SIGN_UP_CODES, announce
from identity.use_cases.registration.ports import RegistrationRepository

logger = logging.getLogger(__name__)


class VerifyRegistrationCode:
    def __init__(
        self,
        registrations: RegistrationRepository,
        hasher: SecretHasher,
        wrong_codes: WrongCodeLog,
        clock: Callable[[], datetime],
    ) -> None:
        self._registrations = registrations
        self._wrong_codes = wrong_codes
        self._hasher = hasher
        self._clock = clock

    async def __call__(self, request: VerifyRegistrationCodeV1, context: MessageContext) -> RegistrationStepV1:
        code = request.code.strip()
        if not is_six_digit_code(code):
            raise InvalidInput("Le code de validation est composé de 6 chiffres.", field="code")
        registration = await find_registration(self._registrations, request.registration_id)
        await ensure_code_budget(self._wrong_codes, SIGN_UP_CODES, registration.email)
        out = Outgoing(PRODUCER, context)
        try:
            verified = registration.verify_code(self._hasher.hash(registration.id, code), self._clock())
        except IdentityError:
            # An expiry found on the way is a change of state worth keeping, and announcing.
            announce(registration, out)
            await self._registrations.update(registration, out.messages)
            raise
        announce(registration, out)
        spent = not verified and await count_wrong_code(
            self._wrong_codes, SIGN_UP_CODES, registration.email, self._clock()
        )
        if spent and registration.decoy:
            # The budget is spent now: an existing account's owner (a decoy's address) is told, once.
            out.email(registration.email, CodesLockedEmailV1(purpose="sign_up"))
        await self._registrations.update(registration, out.messages)
        if not verified:
            logger.info("registration %s: wrong validation code (%d so far)", registration.id, registration.wrong_codes)
            raise InvalidCode(field="code")
        logger.info("registration %s: e-mail address verified", registration.id)
        return RegistrationStepV1(registration_id=registration.id, step=registration.state.value)
