"""« Renvoyer le code »: a fresh validation code for a registration still at step 2.

The first resend is free; each later one needs a solved captcha (fresh tries come with each code,
so unattended resends were a way to more guesses), and none is sent once the address has spent its
daily budget of wrong codes.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from contracts.accounts import ResendRegistrationCodeV1
from contracts.identity import RegistrationStepV1
from efp_runtime.message_context import MessageContext
from efp_runtime.outbox import Outgoing
from identity.domain.errors import InvalidCaptcha
from identity.domain.frontend_links import FrontendLinks
from identity.domain.registration import RESEND_COOLDOWN
from identity.use_cases.captcha.solve_captcha import SolveCaptcha
from identity.use_cases.codes.code_budget import ensure_code_budget
from identity.use_cases.codes.count_code_send import count_code_send
from identity.use_cases.codes.new_code import new_code
from identity.use_cases.codes.ports import RateLimiter, SecretHasher, WrongCodeLog
from identity.use_cases.registration.find_registration import find_registration
from identity.use_cases.registration.messages import PRODUCER, SIGN_UP_CODES, send_codes
from identity.use_cases.registration.ports import RegistrationRepository

FREE_RESENDS = 1
CAPTCHA_NEEDED = "Pour recevoir un nouveau code, recopiez d'abord le code de sécurité affiché."


@dataclass(frozen=True)
class Answered:
    captcha_id: str
    captcha_answer: str


class ResendRegistrationCode:
    def __init__(
        self,
        registrations: RegistrationRepository,
        hasher: SecretHasher,
        limiter: RateLimiter,
        solve_captcha: SolveCaptcha,
        wrong_codes: WrongCodeLog,
        clock: Callable[[], datetime],
        links: FrontendLinks,
        cooldown: timedelta = RESEND_COOLDOWN,
    ) -> None:
        self._cooldown = cooldown
        self._links = links
        self._registrations = registrations
        self._solve_captcha = solve_captcha
        self._wrong_codes = wrong_codes
        self._hasher = hasher
        self._limiter = limiter
        self._clock = clock

    async def __call__(self, request: ResendRegistrationCodeV1, context: MessageContext) -> RegistrationStepV1:
        registration = await find_registration(self._registrations, request.registration_id)
        if registration.resends >= FREE_RESENDS:
            if not (request.captcha_id and request.captcha_answer):
                raise InvalidCaptcha(CAPTCHA_NEEDED, field="captcha_answer")
            await self._solve_captcha(Answered(request.captcha_id, request.captcha_answer))
        await ensure_code_budget(self._wrong_codes, SIGN_UP_CODES, registration.email)
        code = new_code()
        secret = new_code() + "-decoy" if registration.decoy else code
        registration.resend_code(code, self._hasher.hash(registration.id, secret), self._clock(), self._cooldown)
        await count_code_send(self._limiter, SIGN_UP_CODES, registration.email)
        out = Outgoing(PRODUCER, context)
        send_codes(registration, out, self._links, request.client_ip)
        await self._registrations.update(registration, out.messages)
        return RegistrationStepV1(registration_id=registration.id, step=registration.state.value)
