"""A manager withdraws a pending or expired invitation; its link stops working, the record stays."""

from contracts import invitations as inv
from contracts.invitations import InvitationV1
from efp_runtime.message_context import MessageContext
from efp_runtime.outbox import Outgoing
from habilitation.domain.second_factor import SecondFactorPolicy
from habilitation.use_cases.invitations.find_invitation import find_managed_invitation
from habilitation.use_cases.invitations.messages import invitation_events
from habilitation.use_cases.invitations.ports import Invitations
from habilitation.use_cases.invitations.views import invitation_v1
from habilitation.use_cases.messages import PRODUCER
from habilitation.use_cases.ports import Accounts, Clock, ManagerRights


class RevokeInvitation:
    def __init__(
        self,
        invitations: Invitations,
        rights: ManagerRights,
        accounts: Accounts,
        clock: Clock,
        second_factor: SecondFactorPolicy,
    ) -> None:
        self._invitations = invitations
        self._rights = rights
        self._accounts = accounts
        self._clock = clock
        self._second_factor = second_factor

    async def __call__(self, command: inv.RevokeInvitationV1, context: MessageContext) -> InvitationV1:
        invitation = await find_managed_invitation(
            self._invitations, self._rights, command.actor, command.invitation_id, self._second_factor
        )
        now = self._clock()
        invitation.revoke(command.actor.account_id, now)
        outgoing = Outgoing(PRODUCER, context)
        invitation_events(outgoing, invitation)
        await self._invitations.update(invitation, outgoing.messages)
        return invitation_v1(invitation, await self._accounts.many([invitation.invited_by]), now)
