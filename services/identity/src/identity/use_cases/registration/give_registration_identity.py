"""Sign-up step 4: civilité, nom, prénom."""

from collections.abc import Callable
from datetime import datetime

from contracts.accounts import GiveRegistrationIdentityV1
from contracts.identity import RegistrationStepV1
from efp_runtime.message_context import MessageContext
from identity.domain import person
from identity.domain.errors import InvalidInput
from identity.use_cases.registration.find_registration import find_registration
from identity.use_cases.registration.ports import RegistrationRepository


class GiveRegistrationIdentity:
    def __init__(self, registrations: RegistrationRepository, clock: Callable[[], datetime]) -> None:
        self._registrations = registrations
        self._clock = clock

    async def __call__(self, request: GiveRegistrationIdentityV1, context: MessageContext) -> RegistrationStepV1:
        fields = validated_identity(request.civility, request.last_name, request.first_name)
        registration = await find_registration(self._registrations, request.registration_id)
        registration.give_identity(*fields, self._clock())
        await self._registrations.update(registration, [])
        return RegistrationStepV1(registration_id=registration.id, step=registration.state.value)


def validated_identity(civility: str, last_name: str, first_name: str) -> tuple[str, str, str]:
    """All three checked; every failing field reported at once."""
    errors: list[tuple[str, str]] = []
    values: list[str] = []
    checks: list[Callable[[], str]] = [
        lambda: person.civility(civility),
        lambda: person.person_name(last_name, "last_name"),
        lambda: person.person_name(first_name, "first_name"),
    ]
    for check in checks:
        try:
            values.append(check())
        except person.InvalidField as invalid:
            errors.append((invalid.field, invalid.message))
    if errors:
        raise InvalidInput(errors[0][1], field=errors[0][0], errors=errors)
    return values[0], values[1], values[2]
