"""The invitee, logged in with the invited address, follows the e-mail's link: the habilitations are granted."""

from contracts import invitations as inv
from contracts.invitations import InvitationV1
from efp_runtime.message_context import MessageContext
from efp_runtime.outbox import Outgoing
from habilitation.domain.errors import Forbidden, NotFound, WrongState
from habilitation.domain.habilitation import Via
from habilitation.domain.invitation import invitation_id_of
from habilitation.use_cases.habilitations.grant_habilitations import GrantHabilitations
from habilitation.use_cases.invitations.messages import invitation_events
from habilitation.use_cases.invitations.ports import Invitations
from habilitation.use_cases.invitations.views import grants_v1, invitation_v1
from habilitation.use_cases.messages import PRODUCER
from habilitation.use_cases.ports import Accounts, Clock, ManagerRights

INVALID_LINK = "Ce lien d'invitation n'est pas valide. Utilisez le lien du dernier e-mail d'invitation reçu."
WRONG_ACCOUNT = (
    "Cette invitation a été envoyée à une autre adresse e-mail. Connectez-vous avec le compte de l'adresse invitée."
)
INVITER_GONE = (
    "Cette invitation n'est plus valable : la personne qui l'a envoyée n'est plus responsable des accès "
    "de la structure. Demandez une nouvelle invitation à un responsable des accès."
)


class AcceptInvitation:
    def __init__(
        self,
        invitations: Invitations,
        rights: ManagerRights,
        accounts: Accounts,
        grants: GrantHabilitations,
        clock: Clock,
    ) -> None:
        self._invitations = invitations
        self._rights = rights
        self._accounts = accounts
        self._grants = grants
        self._clock = clock

    async def __call__(self, command: inv.AcceptInvitationV1, context: MessageContext) -> InvitationV1:
        invitation_id = invitation_id_of(command.token)
        invitation = await self._invitations.get(invitation_id) if invitation_id else None
        # A resend replaced the hash: an older link finds the invitation but not its token.
        if invitation is None or not invitation.token_matches(command.token.strip()):
            raise NotFound(INVALID_LINK)
        caller = await self._accounts.get(command.actor.account_id)
        if caller is None or caller.email.lower() != invitation.email.lower():
            raise Forbidden(WRONG_ACCOUNT)
        now = self._clock()
        if not invitation.was_accepted_by(
            command.actor.account_id
        ):  # else a retry after a crash: grant what is missing
            # The habilitations are granted in the inviter's name: only while they may still grant them.
            inviter = await self._rights.get(invitation.invited_by, invitation.siren)
            if inviter is None or not inviter.active:
                raise WrongState(INVITER_GONE)
            # Recorded first: a revocation racing this acceptance wins or loses on the version,
            # before anything is granted.
            invitation.accept(command.actor.account_id, now)
            outgoing = Outgoing(PRODUCER, context)
            invitation_events(outgoing, invitation)
            await self._invitations.update(invitation, outgoing.messages)
        # Ids derived from the invitation: a retry finds what was granted instead of granting twice.
        await self._grants.grant(
            command.actor.account_id,
            invitation.siren,
            grants_v1(invitation),
            invitation.invited_by,
            Via.INVITATION,
            context,
            key=invitation.id,
        )
        return invitation_v1(invitation, await self._accounts.many([invitation.invited_by]), now)
