"""The invitation requests of the habilitation RPC queue, each to its use case (merged into `_routes`)."""

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from pydantic import BaseModel

from contracts import invitations as inv
from contracts.rpc import Request
from efp_runtime.message_context import MessageContext
from habilitation.use_cases.accept_invitation import AcceptInvitation
from habilitation.use_cases.invite_user import InviteUser
from habilitation.use_cases.list_invitations import ListInvitations
from habilitation.use_cases.resend_invitation import ResendInvitation
from habilitation.use_cases.revoke_invitation import RevokeInvitation

Handler = Callable[[Any, MessageContext], Awaitable[BaseModel]]


class InvitationUseCases(Protocol):
    """The part of the service's container these routes use."""

    @property
    def invite_user(self) -> InviteUser: ...

    @property
    def list_invitations(self) -> ListInvitations: ...

    @property
    def resend_invitation(self) -> ResendInvitation: ...

    @property
    def revoke_invitation(self) -> RevokeInvitation: ...

    @property
    def accept_invitation(self) -> AcceptInvitation: ...


def invitation_routes(x: InvitationUseCases) -> dict[type[Request], Handler]:
    """Which use case answers which invitation request: one line each."""
    return {
        inv.InviteUserV1: lambda r, c: x.invite_user(
            r.actor, r.siren, r.email, r.civility, r.last_name, r.first_name, r.job_title, list(r.habilitations), c
        ),
        inv.ListInvitationsV1: lambda r, c: x.list_invitations(
            r.actor, r.siren, r.status, r.siret, r.q, r.after, r.limit
        ),
        inv.ResendInvitationV1: lambda r, c: x.resend_invitation(r.actor, r.invitation_id, c),
        inv.RevokeInvitationV1: lambda r, c: x.revoke_invitation(r.actor, r.invitation_id, c),
        inv.AcceptInvitationV1: lambda r, c: x.accept_invitation(r.actor, r.token, c),
    }
