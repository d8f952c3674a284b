"""A manager withdraws a pending or expired invitation; its link stops working, the record stays."""

from contracts.habilitation import ActorV1
from contracts.invitations import InvitationV1
from efp_runtime.message_context import MessageContext
from habilitation.use_cases.invitation_outgoing import find_managed_invitation, invitation_events, invitation_v1
from habilitation.use_cases.invitation_ports import Invitations
from habilitation.use_cases.outgoing import Outgoing
from habilitation.use_cases.ports import Accounts, Clock, ManagerRights


class RevokeInvitation:
    def __init__(self, invitations: Invitations, rights: ManagerRights, accounts: Accounts, clock: Clock) -> None:
        self._invitations = invitations
        self._rights = rights
        self._accounts = accounts
        self._clock = clock

    async def __call__(self, actor: ActorV1, invitation_id: str, context: MessageContext) -> InvitationV1:
        invitation = await find_managed_invitation(self._invitations, self._rights, actor, invitation_id)
        now = self._clock()
        invitation.revoke(actor.account_id, now)
        outgoing = Outgoing(context)
        invitation_events(outgoing, invitation)
        await self._invitations.update(invitation, outgoing.messages)
        return invitation_v1(invitation, await self._accounts.many([invitation.invited_by]), now)
