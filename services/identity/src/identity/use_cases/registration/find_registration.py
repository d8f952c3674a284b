"""Load a registration a step names, or refuse with not_found."""

from identity.domain.errors import NotFound
from identity.domain.registration import Registration
from identity.use_cases.registration.ports import RegistrationRepository


async def find_registration(registrations: RegistrationRepository, registration_id: str) -> Registration:
    registration = await registrations.get(registration_id)
    if registration is None:
        raise NotFound("Cette demande de création de compte est introuvable.")
    return registration
