"""What the invitation use cases share: finding one a manager may act on, its wire view, events and e-mails."""

from datetime import datetime
from urllib.parse import quote

from contracts import invitations as inv
from contracts.habilitation import ActorV1, HabilitationGrantV1
from contracts.notification import HabilitationSummaryV1
from contracts.notification import InvitationResentV1 as ResentEmail
from contracts.notification import InvitationV1 as InvitationEmail
from habilitation.domain.catalogue import SERVICES
from habilitation.domain.errors import NotFound
from habilitation.domain.invitation import VALID_FOR, Invitation, InvitedGrant
from habilitation.use_cases.invitation_ports import Invitations
from habilitation.use_cases.outgoing import Links, Outgoing
from habilitation.use_cases.ports import AccountCopy, Establishment, ManagerRights
from habilitation.use_cases.views import role_label

NOT_FOUND = "Cette invitation est introuvable."


async def find_managed_invitation(
    invitations: Invitations, rights: ManagerRights, actor: ActorV1, invitation_id: str
) -> Invitation:
    """The invitation, if the actor actively manages its organisation; 404 otherwise, as if it did not exist."""
    invitation = await invitations.get(invitation_id)
    right = await rights.get(actor.account_id, invitation.siren) if invitation else None
    if invitation is None or right is None or not right.active:
        raise NotFound(NOT_FOUND)
    return invitation


def accept_link(links: Links, token: str) -> str:
    return f"{links.frontend_url}/invitations/accepter?token={quote(token, safe='')}"


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


def invitation_events(outgoing: Outgoing, invitation: Invitation) -> None:
    """The public event of each transition the invitation went through in this use case."""
    common = {"invitation_id": invitation.id, "siren": invitation.siren, "account_id": invitation.account_id}
    for event in invitation.events:
        if event.trigger == "sent":
            outgoing.event(
                inv.InvitationSentV1(
                    **common,
                    invited_by=invitation.invited_by,
                    expires_at=invitation.expires_at,
                    habilitations=grants_v1(invitation),
                )
            )
        elif event.trigger == "resent":
            outgoing.event(
                inv.InvitationResentV1(**common, resent_by=invitation.last_sent_by, expires_at=invitation.expires_at)
            )
        elif event.trigger == "expired":
            outgoing.event(inv.InvitationExpiredV1(**common))
        elif event.trigger == "accepted":
            outgoing.event(inv.InvitationAcceptedV1(**common))
        elif event.trigger == "revoked":
            outgoing.event(inv.InvitationRevokedV1(**common, revoked_by=invitation.revoked_by or ""))
    invitation.events.clear()


def invitation_email(
    outgoing: Outgoing,
    invitation: Invitation,
    token: str,
    inviter: AccountCopy,
    establishments: dict[str, Establishment],
    links: Links,
) -> None:
    """« Invitation à rejoindre le service numérique » (or its resend), with the single-use link."""
    summaries = tuple(
        HabilitationSummaryV1(
            role_label=role_label(g.service, g.role),
            establishment_name=establishments[g.siret].name if g.siret in establishments else g.siret,
            siret=g.siret,
            end_date=g.end_date,
        )
        for g in invitation.grants
    )
    model = InvitationEmail if invitation.last_sent_at == invitation.created_at else ResentEmail
    content = model(
        service_label=SERVICES[invitation.grants[0].service].label,
        inviter_first_name=inviter.first_name,
        inviter_last_name=inviter.last_name,
        organisation_name=invitation.organisation_name or invitation.siren,
        habilitations=summaries,
        has_account=invitation.has_account,
        valid_for_days=VALID_FOR.days,
        link=accept_link(links, token),
    )
    outgoing.email(invitation.email, content, account_id=invitation.account_id, siren=invitation.siren)
