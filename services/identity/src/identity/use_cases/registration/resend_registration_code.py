"""« Renvoyer le code »: a fresh validation code for a registration still at step 2."""

from collections.abc import Callable
from datetime import datetime, timedelta

from contracts.accounts import ResendRegistrationCodeV1
from contracts.identity import RegistrationStepV1
from efp_runtime.message_context import MessageContext
from efp_runtime.outbox import Outgoing
from identity.domain.frontend_links import FrontendLinks
from identity.domain.registration import RESEND_COOLDOWN
from identity.use_cases.codes.count_code_send import count_code_send
from identity.use_cases.codes.new_code import new_code
from identity.use_cases.codes.ports import RateLimiter, SecretHasher
from identity.use_cases.registration.find_registration import find_registration
from identity.use_cases.registration.messages import PRODUCER, send_codes
from identity.use_cases.registration.ports import RegistrationRepository


class ResendRegistrationCode:
    def __init__(
        self,
        registrations: RegistrationRepository,
        hasher: SecretHasher,
        limiter: RateLimiter,
        clock: Callable[[], datetime],
        links: FrontendLinks,
        cooldown: timedelta = RESEND_COOLDOWN,
    ) -> None:
        self._cooldown = cooldown
        self._links = links
        self._registrations = registrations
        self._hasher = hasher
        self._limiter = limiter
        self._clock = clock

    async def __call__(self, request: ResendRegistrationCodeV1, context: MessageContext) -> RegistrationStepV1:
        registration = await find_registration(self._registrations, request.registration_id)
        code = new_code()
        secret = new_code() + "-decoy" if registration.decoy else code
        registration.resend_code(code, self._hasher.hash(registration.id, secret), self._clock(), self._cooldown)
        await count_code_send(self._limiter, registration.email)
        out = Outgoing(PRODUCER, context)
        send_codes(registration, out, self._links)
        await self._registrations.update(registration, out.messages)
        return RegistrationStepV1(registration_id=registration.id, step=registration.state.value)
