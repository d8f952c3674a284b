"""Sign-up « Retour »: from the organisation step back to the identity step, which may then be given again."""

from collections.abc import Callable
from datetime import datetime

from contracts.accounts import GoBackInRegistrationV1
from contracts.identity import RegistrationStepV1
from efp_runtime.message_context import MessageContext
from identity.use_cases.registration.find_registration import find_registration
from identity.use_cases.registration.ports import RegistrationRepository


class GoBackInRegistration:
    def __init__(self, registrations: RegistrationRepository, clock: Callable[[], datetime]) -> None:
        self._registrations = registrations
        self._clock = clock

    async def __call__(self, request: GoBackInRegistrationV1, context: MessageContext) -> RegistrationStepV1:
        # The contract allows "identity" only; another target would be a new trigger of the machine.
        registration = await find_registration(self._registrations, request.registration_id)
        registration.go_back_to_identity(self._clock())
        await self._registrations.update(registration, [])
        return RegistrationStepV1(registration_id=registration.id, step=registration.state.value)
