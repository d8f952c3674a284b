"""Sign-up step 3: a password that meets the policy, hashed with argon2id at once."""

from collections.abc import Callable
from datetime import datetime

from contracts.identity import RegistrationStepV1
from identity.domain.errors import WeakPassword, WrongStep
from identity.domain.password_policy import password_problems
from identity.domain.registration import Step
from identity.use_cases.account_ports import PasswordHasher
from identity.use_cases.find_registration import find_registration
from identity.use_cases.ports import RegistrationRepository


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

    async def __call__(self, registration_id: str, password: str) -> RegistrationStepV1:
        registration = await find_registration(self._registrations, registration_id)
        if registration.state is not Step.PASSWORD:
            raise WrongStep()  # checked before the costly hash
        check_password(password, registration.email, self._is_common)
        registration.choose_password(await self._passwords.hash(password), self._clock())
        await self._registrations.update(registration, [])
        return RegistrationStepV1(registration_id=registration.id, step=registration.state.value)


def check_password(password: str, email: str, is_common: Callable[[str], bool]) -> None:
    """Raise WeakPassword listing every rule broken, each as a message on the `password` field."""
    problems = password_problems(password, email, is_common)
    if problems:
        raise WeakPassword(problems[0], field="password", errors=[("password", p) for p in problems])
