"""« Inviter un utilisateur » (guide §6.2): a manager invites an address to habilitations of their organisation.

An address without an EFP Connect account gets one prepared by the identity service, with no
password: the invitee completes it through password reset (guide §5.2).
"""

import uuid
from datetime import datetime

from contracts import invitations as inv
from contracts.invitations import InvitationV1
from contracts.invited_accounts import CreateInvitedAccountV1
from efp_runtime.message_context import MessageContext
from efp_runtime.outbox import Outgoing
from habilitation.domain.errors import Conflict, InvalidInput
from habilitation.domain.habilitation import THIRD_PARTY_NEEDS_END_DATE, is_third_party
from habilitation.domain.invitation import DUPLICATE_PENDING, Invitation, hash_token, new_token
from habilitation.domain.second_factor import SecondFactorPolicy
from habilitation.use_cases.habilitations.grant_habilitations import GrantHabilitations
from habilitation.use_cases.invitations.messages import invitation_email, invitation_events
from habilitation.use_cases.invitations.ports import Invitations, InvitedAccounts
from habilitation.use_cases.invitations.views import grants_of, invitation_v1
from habilitation.use_cases.links import Links
from habilitation.use_cases.managers.access_control import require_manager
from habilitation.use_cases.messages import PRODUCER
from habilitation.use_cases.ports import Accounts, Clock, Habilitations, ManagerRights


class InviteUser:
    def __init__(
        self,
        invitations: Invitations,
        rights: ManagerRights,
        accounts: Accounts,
        invited_accounts: InvitedAccounts,
        habilitations: Habilitations,
        grants: GrantHabilitations,
        links: Links,
        clock: Clock,
        second_factor: SecondFactorPolicy,
    ) -> None:
        self._invitations = invitations
        self._rights = rights
        self._accounts = accounts
        self._invited_accounts = invited_accounts
        self._habilitations = habilitations
        self._grants = grants
        self._links = links
        self._clock = clock
        self._second_factor = second_factor

    async def __call__(self, command: inv.InviteUserV1, context: MessageContext) -> InvitationV1:
        siren, email, last_name, first_name, habilitations = (
            command.siren,
            command.email,
            command.last_name,
            command.first_name,
            list(command.habilitations),
        )
        await require_manager(self._rights, command.actor, siren, self._second_factor)
        establishments = await self._grants.check(siren, habilitations)
        wanted = [(h.service, h.role, h.siret) for h in habilitations]
        if len(set(wanted)) != len(wanted):
            raise InvalidInput("Une même habilitation figure deux fois dans l'invitation.", field="habilitations")
        now = self._clock()
        # Checked before the identity service prepares an account, so a duplicate leaves nothing behind.
        await self._expire_pending(email.strip().lower(), siren, now, context)
        identity = CreateInvitedAccountV1(
            email=email,
            civility=command.civility,
            last_name=last_name,
            first_name=first_name,
            job_title=command.job_title,
            siren=siren,
        )
        invitee = await self._invited_accounts.ensure(identity)
        if invitee.kind != "user":
            raise InvalidInput("Cette adresse est celle d'un compte agent du ministère.", field="email")
        if invitee.account_id == command.actor.account_id:
            raise InvalidInput(
                "Vous ne pouvez pas vous inviter vous-même : attribuez-vous l'habilitation depuis vos habilitations.",
                field="email",
            )
        if is_third_party(invitee.siren, siren):
            # Inviting a person of another organisation delegates to them: the same rule as a delegation.
            for index, grant in enumerate(habilitations):
                if grant.end_date is None:
                    raise InvalidInput(THIRD_PARTY_NEEDS_END_DATE, field=f"habilitations.{index}.end_date")
        held = {(h.service, h.role, h.siret) for h in await self._habilitations.of_account(invitee.account_id)}
        if held.issuperset(wanted):
            raise Conflict("Cette personne a déjà toutes ces habilitations.")
        inviter = await self._accounts.get(command.actor.account_id)
        if inviter is None:
            raise InvalidInput("Votre compte n'est pas encore connu de ce service. Réessayez dans un instant.")
        invitation_id = str(uuid.uuid4())
        token = new_token(invitation_id)
        invitation = Invitation.send(
            now,
            hash_token(token),
            id=invitation_id,
            email=invitee.email,
            account_id=invitee.account_id,
            first_name=invitee.first_name,
            last_name=invitee.last_name,
            siren=siren,
            grants=grants_of(habilitations),
            invited_by=command.actor.account_id,
            has_account=invitee.password_set,
            organisation_name=next(iter(establishments.values())).organisation_name,
        )
        outgoing = Outgoing(PRODUCER, context)
        invitation_events(outgoing, invitation)
        invitation_email(outgoing, invitation, token, inviter, establishments, self._links)
        await self._invitations.add(invitation, outgoing.messages)
        return invitation_v1(invitation, {inviter.account_id: inviter}, now)

    async def _expire_pending(self, email: str, siren: str, now: datetime, context: MessageContext) -> None:
        """Refuse a second pending invitation; one past its day but not swept yet is recorded expired first."""
        pending = await self._invitations.pending(email, siren)
        if pending is None:
            return
        if not pending.is_due(now):
            raise Conflict(DUPLICATE_PENDING)
        pending.expire(now)
        outgoing = Outgoing(PRODUCER, context)
        invitation_events(outgoing, pending)
        await self._invitations.update(pending, outgoing.messages)
