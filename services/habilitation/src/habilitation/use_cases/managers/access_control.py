"""Who may act on an organisation: its active access managers. Everybody else finds nothing there."""

from contracts.habilitation import ActorV1
from habilitation.domain.errors import NotFound
from habilitation.domain.manager_right import CHARTER_FIRST, ManagerRight
from habilitation.use_cases.ports import ManagerRights

NOT_FOUND = "Cette structure est introuvable ou vous n'en êtes pas responsable des accès."


async def require_manager(rights: ManagerRights, actor: ActorV1, siren: str) -> ManagerRight:
    """The actor's active right on `siren`; 404 (not 403) otherwise, so other organisations stay invisible.

    An appointed manager who has not accepted the charter yet finds nothing either, but is told why, with
    the activation whose charter to accept (a 404 still: every management route declares it).
    """
    right = await rights.get(actor.account_id, siren)
    if right is not None and right.awaiting_charter:
        raise NotFound(CHARTER_FIRST, extra={"activation_id": right.activation_id or ""})
    if right is None or not right.active:
        raise NotFound(NOT_FOUND)
    return right


async def manages(rights: ManagerRights, actor: ActorV1, siren: str) -> bool:
    """Whether the actor holds a usable right on `siren`: a record found by id is shown to them only then."""
    right = await rights.get(actor.account_id, siren)
    return right is not None and right.active
