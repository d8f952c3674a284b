"""An activation code's public events and the security notice of its redemption."""

from contracts import activation as a
from contracts.notification import ActivationCodeRedeemedV1 as RedeemedEmail
from efp_runtime.outbox import Outgoing
from habilitation.domain.activation_code import ActivationCode, CodeEvent
from habilitation.domain.catalogue import SERVICES
from habilitation.use_cases.links import Links
from habilitation.use_cases.ports import AccountCopy


def code_events(outgoing: Outgoing, code: ActivationCode) -> None:
    """The public event of each transition the code went through in this use case."""
    common = {"activation_code_id": code.id, "service": code.service, "siret": code.siret, "siren": code.siren}
    for event in code.events:
        match event:
            case CodeEvent.ISSUED:
                outgoing.event(a.ActivationCodeIssuedV1(**common, issued_by=code.issued_by, expires_at=code.expires_at))
            case CodeEvent.REDEEMED:
                redeemed_by, activation_id = code.redeemed_by or "", code.activation_id or ""
                outgoing.event(
                    a.ActivationCodeRedeemedV1(**common, redeemed_by=redeemed_by, activation_id=activation_id)
                )
            case CodeEvent.REVOKED:
                revoked_by, reason = code.revoked_by or "", code.revocation_reason
                outgoing.event(a.ActivationCodeRevokedV1(**common, revoked_by=revoked_by, reason=reason))
            case CodeEvent.EXPIRED:
                outgoing.event(a.ActivationCodeExpiredV1(**common))
    code.events.clear()


def redeemed_notice(
    outgoing: Outgoing, code: ActivationCode, manager: AccountCopy, others: list[AccountCopy], links: Links
) -> None:
    """Security notice to every other active manager: someone became manager with the postal code."""
    for other in others:
        content = RedeemedEmail(
            service_label=SERVICES[code.service].label,
            organisation_name=code.organisation_name or code.siren,
            siret=code.siret,
            manager_first_name=manager.first_name,
            manager_last_name=manager.last_name,
            manager_email=manager.email,
            redeemed_on=(code.redeemed_at or code.issued_at).date(),
            link=links.user(manager.account_id),
        )
        mentions = [manager.account_id]
        outgoing.email(other.email, content, account_id=other.account_id, siren=code.siren, mentions=mentions)
