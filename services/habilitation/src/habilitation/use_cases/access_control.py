"""Who may act on an organisation: its active access managers. Everybody else finds nothing there."""

from contracts.habilitation import ActorV1
from habilitation.domain.errors import NotFound
from habilitation.domain.manager_right import ManagerRight
from habilitation.use_cases.ports import ManagerRights

NOT_FOUND = "Cette structure est introuvable ou vous n'en êtes pas responsable des accès."


async def require_manager(rights: ManagerRights, actor: ActorV1, siren: str) -> ManagerRight:
    """The actor's active right on `siren`; 404 (not 403) otherwise, so other organisations stay invisible."""
    right = await rights.get(actor.account_id, siren)
    if right is None or not right.active:
        raise NotFound(NOT_FOUND)
    return right
