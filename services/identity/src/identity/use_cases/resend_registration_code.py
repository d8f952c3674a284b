"""« Renvoyer le code »: a fresh validation code for a registration still at step 2."""

from collections.abc import Callable
from datetime import datetime, timedelta

from contracts.identity import RegistrationStepV1
from efp_runtime.message_context import MessageContext
from identity.domain.registration import RESEND_COOLDOWN
from identity.use_cases.account_ports import RateLimiter
from identity.use_cases.find_registration import find_registration
from identity.use_cases.frontend_links import FrontendLinks
from identity.use_cases.ports import RegistrationRepository, SecretHasher
from identity.use_cases.sending_limits import count_code_send
from identity.use_cases.start_registration import new_code, registration_messages


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

    async def __call__(self, registration_id: str, context: MessageContext) -> RegistrationStepV1:
        registration = await find_registration(self._registrations, registration_id)
        code = new_code()
        secret = new_code() + "-decoy" if registration.decoy else code
        registration.resend_code(code, self._hasher.hash(registration.id, secret), self._clock(), self._cooldown)
        await count_code_send(self._limiter, registration.email)
        await self._registrations.update(registration, registration_messages(registration, context, self._links))
        return RegistrationStepV1(registration_id=registration.id, step=registration.state.value)
