"""One organisation of the directory by SIREN, with its open establishments."""

from contracts.organisations import GetOrganisationV1, OrganisationV1
from efp_runtime.message_context import MessageContext
from identity.domain.errors import InvalidInput, NotFound
from identity.domain.organisation import compact_number, is_valid_siren
from identity.use_cases.organisations.ports import OrganisationDirectory
from identity.use_cases.organisations.views import organisation_v1

# Bounds the reply: La Poste alone has thousands of establishments.
MAX_ESTABLISHMENTS = 1_000


class GetOrganisation:
    def __init__(self, directory: OrganisationDirectory) -> None:
        self._directory = directory

    async def __call__(self, request: GetOrganisationV1, context: MessageContext) -> OrganisationV1:
        number = compact_number(request.siren)
        if number is None or not is_valid_siren(number):
            raise InvalidInput("Le numéro SIREN doit comporter 9 chiffres et être valide.", field="siren")
        found = await self._directory.offered_organisations([number])
        establishments = await self._directory.open_establishments(number, MAX_ESTABLISHMENTS) if found else []
        # An organisation with no open establishment is not offered, whatever its stored flag says.
        if not establishments:
            raise NotFound("Aucune organisation ouverte ne porte ce numéro SIREN.", field="siren")
        return organisation_v1(found[0], establishments)
