"""How an organisation of the directory appears on the wire."""

from collections.abc import Sequence

from contracts.organisations import EstablishmentV1, OrganisationV1
from identity.domain.organisation import Establishment, Organisation


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
                commune_code=establishment.commune_code or None,
            )
            for establishment in establishments
        ],
    )
