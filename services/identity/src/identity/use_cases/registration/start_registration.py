"""Sign-up step 1: an e-mail address and a solved captcha start a registration and send a code.

An address that already has an account gets the very same answer (no account enumeration);
its owner receives a warning instead of a code, and the registration can never be verified.
"""

import logging
from collections.abc import Callable
from datetime import datetime

from contracts.identity import RegistrationStepV1, StartRegistrationV1
from efp_runtime.message_context import MessageContext, new_id
from efp_runtime.outbox import Outgoing
from identity.domain.errors import SharedMailbox
from identity.domain.frontend_links import FrontendLinks
from identity.domain.mailbox import is_shared_mailbox, normalise_email
from identity.domain.registration import Registration
from identity.use_cases.accounts.ports import AccountRepository
from identity.use_cases.captcha.solve_captcha import SolveCaptcha
from identity.use_cases.codes.count_code_send import count_code_send
from identity.use_cases.codes.new_code import new_code
from identity.use_cases.codes.ports import RateLimiter, SecretHasher
from identity.use_cases.registration.messages import PRODUCER, SIGN_UP_CODES, send_codes
from identity.use_cases.registration.ports import RegistrationRepository

logger = logging.getLogger(__name__)


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

    async def __call__(self, request: StartRegistrationV1, context: MessageContext) -> RegistrationStepV1:
        address = normalise_email(request.email)
        if is_shared_mailbox(address, self._shared_mailboxes):
            raise SharedMailbox(field="email")
        await self._solve_captcha(request)
        await count_code_send(self._limiter, SIGN_UP_CODES, address)
        decoy = await self._accounts.by_email(address) is not None
        registration_id = new_id()
        code = new_code()
        # A decoy's stored hash is of another random code: what was "sent" can never match it.
        code_hash = self._hasher.hash(registration_id, new_code() + "-decoy" if decoy else code)
        registration = Registration.start(registration_id, address, code, code_hash, self._clock(), decoy=decoy)
        out = Outgoing(PRODUCER, context)
        send_codes(registration, out, self._links, request.client_ip)
        await self._registrations.add(registration, out.messages)
        logger.info("registration %s started", registration.id)
        return RegistrationStepV1(registration_id=registration.id, step=registration.state.value)
