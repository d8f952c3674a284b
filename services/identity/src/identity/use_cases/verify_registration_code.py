"""Sign-up step 2: the 6-digit code received by e-mail proves the address."""

import logging
from collections.abc import Callable
from datetime import datetime

from contracts.identity import RegistrationEmailVerifiedV1, RegistrationStepV1
from efp_runtime.message_context import MessageContext
from efp_runtime.outbox import OutboxMessage, event_message
from identity.domain.codes import is_six_digit_code
from identity.domain.errors import IdentityError, InvalidCode, InvalidInput, NotFound
from identity.domain.registration import EmailVerified, Registration
from identity.use_cases.ports import RegistrationRepository, SecretHasher
from identity.use_cases.start_registration import registration_events

PRODUCER = "identity"
logger = logging.getLogger(__name__)


class VerifyRegistrationCode:
    def __init__(
        self, registrations: RegistrationRepository, hasher: SecretHasher, clock: Callable[[], datetime]
    ) -> None:
        self._registrations = registrations
        self._hasher = hasher
        self._clock = clock

    async def __call__(self, registration_id: str, code: str, context: MessageContext) -> RegistrationStepV1:
        code = code.strip()
        if not is_six_digit_code(code):
            raise InvalidInput("Le code de validation est composé de 6 chiffres.", field="code")
        registration = await self._registrations.get(registration_id)
        if registration is None:
            raise NotFound("Cette demande de création de compte est introuvable.")
        try:
            verified = registration.verify_code(self._hasher.hash(registration.id, code), self._clock())
        except IdentityError:
            # An expiry found on the way is a change of state worth keeping, and announcing.
            await self._registrations.update(registration, registration_events(registration, context))
            raise
        await self._registrations.update(registration, _messages(registration, context))
        if not verified:
            logger.info("registration %s: wrong validation code (%d so far)", registration.id, registration.wrong_codes)
            raise InvalidCode(field="code")
        logger.info("registration %s: e-mail address verified", registration.id)
        return RegistrationStepV1(registration_id=registration.id, step=registration.state.value)


def _messages(registration: Registration, context: MessageContext) -> list[OutboxMessage]:
    return [
        event_message(RegistrationEmailVerifiedV1(registration_id=e.registration_id), context, PRODUCER)
        for e in registration.events
        if isinstance(e, EmailVerified)
    ]
