"""Sign-up step 1: an e-mail address and a solved captcha start a registration and send a code."""

import logging
import secrets
from collections.abc import Callable
from datetime import datetime

from email_validator import EmailNotValidError, validate_email

from contracts.identity import RegistrationStartedV1, RegistrationStepV1
from contracts.notification import SendEmailV1, SignupVerificationCodeV1
from contracts.topology import SEND_EMAIL_ROUTING_KEY
from efp_runtime.message_context import MessageContext, new_id
from efp_runtime.outbox import OutboxMessage, command_message, event_message
from identity.domain.errors import InvalidInput
from identity.domain.registration import Registration, RegistrationStarted
from identity.use_cases.ports import RegistrationRepository, SecretHasher
from identity.use_cases.solve_captcha import SolveCaptcha

PRODUCER = "identity"
logger = logging.getLogger(__name__)


def normalise_email(raw: str) -> str:
    """The login form of an address: syntax checked, lower case (no DNS look-up here)."""
    try:
        checked = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidInput("L'adresse e-mail saisie n'est pas valide.", field="email") from exc
    return checked.normalized.lower()


class StartRegistration:
    def __init__(
        self,
        registrations: RegistrationRepository,
        solve_captcha: SolveCaptcha,
        hasher: SecretHasher,
        clock: Callable[[], datetime],
    ) -> None:
        self._registrations = registrations
        self._solve_captcha = solve_captcha
        self._hasher = hasher
        self._clock = clock

    async def __call__(
        self, email: str, captcha_id: str, captcha_answer: str, context: MessageContext
    ) -> RegistrationStepV1:
        address = normalise_email(email)
        await self._solve_captcha(captcha_id, captcha_answer)
        registration_id = new_id()
        code = f"{secrets.randbelow(1_000_000):06d}"
        registration = Registration.start(
            registration_id, address, code, self._hasher.hash(registration_id, code), self._clock()
        )
        await self._registrations.add(registration, _messages(registration, context))
        logger.info("registration %s started; validation code sent for e-mail", registration.id)
        return RegistrationStepV1(registration_id=registration.id, step=registration.state.value)


def _messages(registration: Registration, context: MessageContext) -> list[OutboxMessage]:
    messages = []
    for event in registration.events:
        if isinstance(event, RegistrationStarted):
            # The code goes only to the notification service's private queue.
            email = SendEmailV1(to=event.email, content=SignupVerificationCodeV1(code=event.code))
            messages.append(command_message(email, SEND_EMAIL_ROUTING_KEY, context, PRODUCER))
            public = RegistrationStartedV1(registration_id=event.registration_id, expires_at=event.expires_at)
            messages.append(event_message(public, context, PRODUCER))
    return messages
