"""« Relancer l'invitation » (guide §6.3): once expired, a new link valid one more day; the old one stops working."""

from contracts import invitations as inv
from contracts.habilitation import ActorV1
from contracts.invitations import InvitationV1
from efp_runtime.message_context import MessageContext
from efp_runtime.outbox import Outgoing
from habilitation.domain.errors import InvalidInput, Stale
from habilitation.domain.invitation import hash_token, new_token
from habilitation.domain.second_factor import SecondFactorPolicy
from habilitation.use_cases.invitations.find_invitation import find_managed_invitation
from habilitation.use_cases.invitations.messages import invitation_email, invitation_events
from habilitation.use_cases.invitations.ports import Invitations
from habilitation.use_cases.invitations.views import invitation_v1
from habilitation.use_cases.links import Links
from habilitation.use_cases.messages import PRODUCER
from habilitation.use_cases.ports import Accounts, Clock, Directory, ManagerRights


class ResendInvitation:
    def __init__(
        self,
        invitations: Invitations,
        rights: ManagerRights,
        accounts: Accounts,
        directory: Directory,
        links: Links,
        clock: Clock,
        second_factor: SecondFactorPolicy,
    ) -> None:
        self._invitations = invitations
        self._rights = rights
        self._accounts = accounts
        self._directory = directory
        self._links = links
        self._clock = clock
        self._second_factor = second_factor

    async def __call__(self, command: inv.ResendInvitationV1, context: MessageContext) -> InvitationV1:
        # An invitation listed as expired may be swept at the very moment it is resent: read it again
        # once rather than tell the manager to retry what the sweep could not have refused.
        try:
            return await self._resend(command.actor, command.invitation_id, context)
        except Stale:
            return await self._resend(command.actor, command.invitation_id, context)

    async def _resend(self, actor: ActorV1, invitation_id: str, context: MessageContext) -> InvitationV1:
        invitation = await find_managed_invitation(
            self._invitations, self._rights, actor, invitation_id, self._second_factor
        )
        now = self._clock()
        token = new_token(invitation.id)
        invitation.resend(actor.account_id, now, hash_token(token))  # 409 too_early before the expiry
        names = await self._accounts.many([actor.account_id, invitation.invited_by])
        resender = names.get(actor.account_id)
        if resender is None:
            raise InvalidInput("Votre compte n'est pas encore connu de ce service. Réessayez dans un instant.")
        establishments = {e.siret: e for e in await self._directory.establishments(invitation.siren)}
        outgoing = Outgoing(PRODUCER, context)
        invitation_events(outgoing, invitation)
        invitation_email(outgoing, invitation, token, resender, establishments, self._links)
        await self._invitations.update(invitation, outgoing.messages)
        return invitation_v1(invitation, names, now)
