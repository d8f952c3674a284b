"""Sign-up step 1: an e-mail address and a solved captcha start a registration and send a code.

An address that already has an account gets the very same answer (no account enumeration);
its owner receives a warning instead of a code, and the registration can never be verified.
"""

import logging
import secrets
from collections.abc import Callable
from datetime import datetime

from email_validator import EmailNotValidError, validate_email

from contracts.accounts import RegistrationAbandonedV1
from contracts.identity import RegistrationStartedV1, RegistrationStepV1
from contracts.notification import SendEmailV1, SignupAttemptOnExistingAccountV1, SignupVerificationCodeV1
from contracts.topology import SEND_EMAIL_ROUTING_KEY
from efp_runtime.message_context import MessageContext, new_id
from efp_runtime.outbox import OutboxMessage, command_message, event_message
from identity.domain.errors import InvalidInput, SharedMailbox
from identity.domain.mailbox import is_shared_mailbox
from identity.domain.registration import CodeResent, Registration, RegistrationAbandoned, RegistrationStarted
from identity.use_cases.account_ports import AccountRepository, RateLimiter
from identity.use_cases.frontend_links import FrontendLinks
from identity.use_cases.ports import RegistrationRepository, SecretHasher
from identity.use_cases.sending_limits import count_code_send
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


def new_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


class StartRegistration:
    def __init__(
        self,
        registrations: RegistrationRepository,
        accounts: AccountRepository,
        solve_captcha: SolveCaptcha,
        hasher: SecretHasher,
        limiter: RateLimiter,
        shared_mailboxes: tuple[str, ...],
        clock: Callable[[], datetime],
        links: FrontendLinks,
    ) -> None:
        self._registrations = registrations
        self._accounts = accounts
        self._solve_captcha = solve_captcha
        self._hasher = hasher
        self._limiter = limiter
        self._shared_mailboxes = shared_mailboxes
        self._clock = clock
        self._links = links

    async def __call__(
        self, email: str, captcha_id: str, captcha_answer: str, context: MessageContext
    ) -> RegistrationStepV1:
        address = normalise_email(email)
        if is_shared_mailbox(address, self._shared_mailboxes):
            raise SharedMailbox(field="email")
        await self._solve_captcha(captcha_id, captcha_answer)
        await count_code_send(self._limiter, address)
        decoy = await self._accounts.by_email(address) is not None
        registration_id = new_id()
        code = new_code()
        # A decoy's stored hash is of another random code: what was "sent" can never match it.
        code_hash = self._hasher.hash(registration_id, new_code() + "-decoy" if decoy else code)
        registration = Registration.start(registration_id, address, code, code_hash, self._clock(), decoy=decoy)
        await self._registrations.add(registration, registration_messages(registration, context, self._links))
        logger.info("registration %s started", registration.id)
        return RegistrationStepV1(registration_id=registration.id, step=registration.state.value)


def registration_messages(
    registration: Registration, context: MessageContext, links: FrontendLinks
) -> list[OutboxMessage]:
    """The e-mails and public events a registration's new domain events call for."""
    messages = []
    for event in registration.events:
        if isinstance(event, RegistrationStarted | CodeResent) and not (isinstance(event, CodeResent) and event.decoy):
            # The code (and the link carrying it) goes only to the notification service's private queue.
            # A decoy is warned once, with no code nor link.
            content = (
                SignupAttemptOnExistingAccountV1()
                if event.decoy
                else SignupVerificationCodeV1(
                    code=event.code, link=links.registration_code(event.registration_id, event.code)
                )
            )
            messages.append(
                command_message(SendEmailV1(to=event.email, content=content), SEND_EMAIL_ROUTING_KEY, context, PRODUCER)
            )
    return messages + registration_events(registration, context)


def registration_events(registration: Registration, context: MessageContext) -> list[OutboxMessage]:
    """The public events of a registration's new domain events (the steps that send no code)."""
    messages = []
    for event in registration.events:
        if isinstance(event, RegistrationStarted):
            public = RegistrationStartedV1(registration_id=event.registration_id, expires_at=event.expires_at)
            messages.append(event_message(public, context, PRODUCER))
        if isinstance(event, RegistrationAbandoned):
            abandoned = RegistrationAbandonedV1(registration_id=event.registration_id, last_step=event.step.value)
            messages.append(event_message(abandoned, context, PRODUCER))
    return messages
