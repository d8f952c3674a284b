"""The organisations directory, asked of the identity service over the bus (never its database)."""

from contracts.organisations import EstablishmentV1, GetOrganisationV1, OrganisationV1, SearchOrganisationsV1
from efp_runtime.rpc import RpcClient, RpcRefused
from habilitation.domain.siret import normalize_siret
from habilitation.use_cases.ports import Establishment

IDENTITY = "identity"


class RpcDirectory:
    def __init__(self, rpc: RpcClient, service: str = IDENTITY) -> None:
        self._rpc = rpc
        self._service = service

    async def establishment(self, siret: str) -> Establishment | None:
        compact = normalize_siret(siret)
        if compact is None:
            return None
        found = await self._rpc.call(self._service, SearchOrganisationsV1(q=compact, limit=1))
        for organisation in found.organisations:
            for establishment in organisation.establishments:
                if establishment.siret == compact:
                    return _establishment(organisation, establishment)
        return None

    async def establishments(self, siren: str) -> list[Establishment]:
        try:
            organisation = await self._rpc.call(self._service, GetOrganisationV1(siren=siren))
        except RpcRefused:
            return []
        return [_establishment(organisation, e) for e in organisation.establishments]


def _establishment(organisation: OrganisationV1, establishment: EstablishmentV1) -> Establishment:
    return Establishment(
        establishment.siret,
        organisation.siren,
        establishment.name,
        organisation.name,
        establishment.postcode,
        establishment.commune_code or "",
    )
