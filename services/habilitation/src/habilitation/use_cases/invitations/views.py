"""How an invitation and its grants appear on the wire."""

from datetime import datetime

from contracts import invitations as inv
from contracts.habilitation import HabilitationGrantV1
from habilitation.domain.invitation import Invitation, InvitedGrant
from habilitation.use_cases.ports import AccountCopy


def grants_of(habilitations: list[HabilitationGrantV1]) -> tuple[InvitedGrant, ...]:
    return tuple(InvitedGrant(h.service, h.role, h.siret, h.end_date) for h in habilitations)


def grants_v1(invitation: Invitation) -> list[HabilitationGrantV1]:
    return [
        HabilitationGrantV1(service=g.service, role=g.role, siret=g.siret, end_date=g.end_date)
        for g in invitation.grants
    ]


def invitation_v1(invitation: Invitation, names: dict[str, AccountCopy], now: datetime) -> inv.InvitationV1:
    inviter = names.get(invitation.invited_by)
    return inv.InvitationV1(
        id=invitation.id,
        email=invitation.email,
        account_id=invitation.account_id,
        first_name=invitation.first_name,
        last_name=invitation.last_name,
        siren=invitation.siren,
        organisation_name=invitation.organisation_name,
        status=invitation.effective_state(now).value,
        habilitations=grants_v1(invitation),
        invited_by=invitation.invited_by,
        invited_by_name=inviter.display_name if inviter else None,
        created_at=invitation.created_at,
        last_sent_at=invitation.last_sent_at,
        expires_at=invitation.expires_at,
        accepted_at=invitation.accepted_at,
        revoked_by=invitation.revoked_by,
        revoked_at=invitation.revoked_at,
    )
