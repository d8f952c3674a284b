"""Sign-up step 3: a password that meets the policy, hashed with argon2id at once."""

from collections.abc import Callable
from datetime import datetime

from contracts.accounts import ChooseRegistrationPasswordV1
from contracts.identity import RegistrationStepV1
from efp_runtime.message_context import MessageContext
from identity.domain.errors import WrongStep
from identity.domain.password_policy import check_password
from identity.domain.registration import Step
from identity.use_cases.accounts.ports import PasswordHasher
from identity.use_cases.registration.find_registration import find_registration
from identity.use_cases.registration.ports import RegistrationRepository


class ChooseRegistrationPassword:
    def __init__(
        self,
        registrations: RegistrationRepository,
        passwords: PasswordHasher,
        is_common: Callable[[str], bool],
        clock: Callable[[], datetime],
    ) -> None:
        self._registrations = registrations
        self._passwords = passwords
        self._is_common = is_common
        self._clock = clock

    async def __call__(self, request: ChooseRegistrationPasswordV1, context: MessageContext) -> RegistrationStepV1:
        registration = await find_registration(self._registrations, request.registration_id)
        if registration.state is not Step.PASSWORD:
            raise WrongStep()  # checked before the costly hash
        check_password(request.password, registration.email, self._is_common)
        registration.choose_password(await self._passwords.hash(request.password), self._clock())
        await self._registrations.update(registration, [])
        return RegistrationStepV1(registration_id=registration.id, step=registration.state.value)
