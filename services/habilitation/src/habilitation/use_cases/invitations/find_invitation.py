"""Load the invitation a manager names; someone with no business with it finds nothing."""

from contracts.habilitation import ActorV1
from habilitation.domain.errors import NotFound
from habilitation.domain.invitation import Invitation
from habilitation.domain.second_factor import SecondFactorPolicy
from habilitation.use_cases.invitations.ports import Invitations
from habilitation.use_cases.managers.access_control import manages
from habilitation.use_cases.ports import ManagerRights


async def find_managed_invitation(
    invitations: Invitations,
    rights: ManagerRights,
    actor: ActorV1,
    invitation_id: str,
    second_factor: SecondFactorPolicy,
) -> Invitation:
    """The invitation, if the actor actively manages its organisation; 404 otherwise, as if it did not exist."""
    invitation = await invitations.get(invitation_id)
    if invitation is None or not await manages(rights, actor, invitation.siren, second_factor):
        raise NotFound(NOT_FOUND)
    return invitation


NOT_FOUND = "Cette invitation est introuvable."
