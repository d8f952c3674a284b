"""One organisation of the directory by SIREN, with its open establishments."""

from collections.abc import Sequence

from contracts.organisations import EstablishmentV1, OrganisationV1
from identity.domain.errors import InvalidInput, NotFound
from identity.domain.organisation import Establishment, Organisation, compact_number, is_valid_siren
from identity.use_cases.directory_ports import OrganisationDirectory

# Bounds the reply: La Poste alone has thousands of establishments.
MAX_ESTABLISHMENTS = 1_000


def organisation_v1(organisation: Organisation, establishments: Sequence[Establishment]) -> OrganisationV1:
    return OrganisationV1(
        siren=organisation.siren,
        name=organisation.name,
        establishments=[
            EstablishmentV1(
                siret=establishment.siret,
                name=establishment.label(organisation.name),
                address=establishment.address,
                postcode=establishment.postcode,
                city=establishment.city,
            )
            for establishment in establishments
        ],
    )


class GetOrganisation:
    def __init__(self, directory: OrganisationDirectory) -> None:
        self._directory = directory

    async def __call__(self, siren: str) -> OrganisationV1:
        number = compact_number(siren)
        if number is None or not is_valid_siren(number):
            raise InvalidInput("Le numéro SIREN doit comporter 9 chiffres et être valide.", field="siren")
        found = await self._directory.offered_organisations([number])
        establishments = await self._directory.open_establishments(number, MAX_ESTABLISHMENTS) if found else []
        # An organisation with no open establishment is not offered, whatever its stored flag says.
        if not establishments:
            raise NotFound("Aucune organisation ouverte ne porte ce numéro SIREN.", field="siren")
        return organisation_v1(found[0], establishments)
