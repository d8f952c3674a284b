"""The roles of a digital service, as the catalogue lists them."""

from contracts.habilitation_management import RolesV1, RoleV1
from habilitation.domain.catalogue import SERVICES
from habilitation.domain.errors import NotFound


class GetRoles:
    async def __call__(self, service: str) -> RolesV1:
        found = SERVICES.get(service)
        if found is None:
            raise NotFound("Ce service numérique n'existe pas.")
        return RolesV1(roles=[RoleV1(role=r.code, label=r.label, description=r.description) for r in found.roles])
