"""Who may act on an organisation: its active access managers, with a second factor while the policy asks
one (`SecondFactorPolicy`). Everybody else finds nothing there."""

from contracts.habilitation import ActorV1
from habilitation.domain.errors import NotFound
from habilitation.domain.manager_right import CHARTER_FIRST, ManagerRight
from habilitation.domain.second_factor import SecondFactorPolicy
from habilitation.use_cases.ports import ManagerRights

NOT_FOUND = "Cette structure est introuvable ou vous n'en êtes pas responsable des accès."


async def require_manager(
    rights: ManagerRights, actor: ActorV1, siren: str, second_factor: SecondFactorPolicy
) -> ManagerRight:
    """The actor's active right on `siren`; 404 (not 403) otherwise, so other organisations stay invisible.

    An appointed manager who has not accepted the charter yet finds nothing either, but is told why, with
    the activation whose charter to accept (a 404 still: every management route declares it). A manager
    whose session proved no second factor is refused (403 `second_factor_required`) while it is required.
    """
    right = await rights.get(actor.account_id, siren)
    if right is not None and right.awaiting_charter:
        raise NotFound(CHARTER_FIRST, extra={"activation_id": right.activation_id or ""})
    if right is None or not right.active:
        raise NotFound(NOT_FOUND)
    second_factor.require_proved(actor)
    return right


async def manages(rights: ManagerRights, actor: ActorV1, siren: str, second_factor: SecondFactorPolicy) -> bool:
    """Whether the actor holds a usable right on `siren`: a record found by id is shown to them only then.
    Acting on it is acting as a manager: refused, as `require_manager` does, without a second factor."""
    right = await rights.get(actor.account_id, siren)
    if right is None or not right.active:
        return False
    second_factor.require_proved(actor)
    return True
