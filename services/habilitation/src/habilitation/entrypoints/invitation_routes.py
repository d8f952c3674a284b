"""Which invitation use case answers which request: one line each, merged into the service's route table."""

from typing import Any

from contracts import invitations as inv
from contracts.rpc import Request
from efp_runtime.service import Route
from habilitation.composition import Habilitation


def invitation_routes(x: Habilitation) -> dict[type[Request[Any]], Route]:
    return {
        inv.InviteUserV1: x.invite_user,
        inv.ListInvitationsV1: x.list_invitations,
        inv.ResendInvitationV1: x.resend_invitation,
        inv.RevokeInvitationV1: x.revoke_invitation,
        inv.AcceptInvitationV1: x.accept_invitation,
    }
