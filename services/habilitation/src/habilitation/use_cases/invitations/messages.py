"""An invitation's public events and its e-mail with the single-use link."""

from urllib.parse import quote

from contracts import invitations as inv
from contracts.notification import InvitationResentV1 as ResentEmail
from contracts.notification import InvitationV1 as InvitationEmail
from efp_runtime.outbox import Outgoing
from habilitation.domain.catalogue import SERVICES
from habilitation.domain.invitation import VALID_FOR, Invitation, InvitationEvent
from habilitation.use_cases.habilitations.messages import grant_summaries
from habilitation.use_cases.invitations.views import grants_v1
from habilitation.use_cases.links import Links
from habilitation.use_cases.ports import AccountCopy, Establishment


def accept_link(links: Links, token: str) -> str:
    return f"{links.frontend_url}/invitations/accepter?token={quote(token, safe='')}"


def invitation_events(outgoing: Outgoing, invitation: Invitation) -> None:
    """The public event of each transition the invitation went through in this use case."""
    common = {"invitation_id": invitation.id, "siren": invitation.siren, "account_id": invitation.account_id}
    for event in invitation.events:
        match event:
            case InvitationEvent.SENT:
                grants = grants_v1(invitation)
                outgoing.event(
                    inv.InvitationSentV1(
                        **common,
                        invited_by=invitation.invited_by,
                        expires_at=invitation.expires_at,
                        habilitations=grants,
                    )
                )
            case InvitationEvent.RESENT:
                resent_by, expires_at = invitation.last_sent_by, invitation.expires_at
                outgoing.event(inv.InvitationResentV1(**common, resent_by=resent_by, expires_at=expires_at))
            case InvitationEvent.EXPIRED:
                outgoing.event(inv.InvitationExpiredV1(**common))
            case InvitationEvent.ACCEPTED:
                outgoing.event(inv.InvitationAcceptedV1(**common))
            case InvitationEvent.REVOKED:
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
    summaries = grant_summaries(grants_v1(invitation), establishments)
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
    outgoing.email(
        invitation.email,
        content,
        account_id=invitation.account_id,
        siren=invitation.siren,
        mentions=[inviter.account_id],
    )
