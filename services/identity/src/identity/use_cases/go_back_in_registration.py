"""Sign-up « Retour »: from the organisation step back to the identity step, which may then be given again."""

from collections.abc import Callable
from datetime import datetime

from contracts.identity import RegistrationStepV1
from identity.use_cases.find_registration import find_registration
from identity.use_cases.ports import RegistrationRepository


class GoBackInRegistration:
    def __init__(self, registrations: RegistrationRepository, clock: Callable[[], datetime]) -> None:
        self._registrations = registrations
        self._clock = clock

    async def __call__(self, registration_id: str, step: str) -> RegistrationStepV1:
        # The contract allows "identity" only; another target would be a new trigger of the machine.
        registration = await find_registration(self._registrations, registration_id)
        registration.go_back_to_identity(self._clock())
        await self._registrations.update(registration, [])
        return RegistrationStepV1(registration_id=registration.id, step=registration.state.value)
