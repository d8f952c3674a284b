"""The roles of a digital service, as the catalogue lists them."""

from contracts import habilitation_management as hm
from contracts.habilitation_management import RolesV1, RoleV1
from efp_runtime.message_context import MessageContext
from habilitation.domain.catalogue import SERVICES
from habilitation.domain.errors import NotFound


class GetRoles:
    async def __call__(self, command: hm.GetRolesV1, context: MessageContext) -> RolesV1:
        found = SERVICES.get(command.service)
        if found is None:
            raise NotFound("Ce service numérique n'existe pas.")
        return RolesV1(roles=[RoleV1(role=r.code, label=r.label, description=r.description) for r in found.roles])
