"""What the activation use cases share: the agent check, the wire view of a code, its events and e-mails."""

from datetime import datetime

from contracts import activation as a
from contracts.habilitation import ActorV1, ManagerRightGrantedV1, ManagerRightV1
from contracts.notification import ActivationCodeRedeemedV1 as RedeemedEmail
from efp_runtime.message_context import MessageContext
from habilitation.domain.activation_code import ActivationCode
from habilitation.domain.catalogue import SERVICES
from habilitation.domain.errors import Forbidden
from habilitation.domain.manager_right import ManagerRight, RightGranted
from habilitation.use_cases.activation_ports import ActivationCodes
from habilitation.use_cases.outgoing import Links, Outgoing
from habilitation.use_cases.ports import AccountCopy


def require_agent(actor: ActorV1) -> None:
    """Codes are issued and followed by ministry agents only (the gateway checks too)."""
    if actor.kind != "agent":
        raise Forbidden("Seuls les agents du ministère peuvent gérer les codes d'activation.")


def activation_code_v1(code: ActivationCode, names: dict[str, AccountCopy], now: datetime) -> a.ActivationCodeV1:
    issuer, redeemer = names.get(code.issued_by), names.get(code.redeemed_by or "")
    return a.ActivationCodeV1(
        id=code.id,
        service=code.service,
        siret=code.siret,
        siren=code.siren,
        organisation_name=code.organisation_name,
        establishment_name=code.establishment_name,
        # A code past its date reads "expired" even before the sweeper records it.
        state=code.effective_state(now).value,
        issued_at=code.issued_at,
        expires_at=code.expires_at,
        issued_by=code.issued_by,
        issued_by_name=issuer.display_name if issuer else None,
        redeemed_by=code.redeemed_by,
        redeemed_by_name=redeemer.display_name if redeemer else None,
        redeemed_at=code.redeemed_at,
        revoked_by=code.revoked_by,
        revoked_at=code.revoked_at,
        revocation_reason=code.revocation_reason,
    )


def code_events(outgoing: Outgoing, code: ActivationCode) -> None:
    """The public event of each transition the code went through in this use case."""
    common = {"activation_code_id": code.id, "service": code.service, "siret": code.siret, "siren": code.siren}
    for event in code.events:
        if event.trigger == "issued":
            outgoing.event(a.ActivationCodeIssuedV1(**common, issued_by=code.issued_by, expires_at=code.expires_at))
        elif event.trigger == "redeemed":
            outgoing.event(
                a.ActivationCodeRedeemedV1(
                    **common, redeemed_by=code.redeemed_by or "", activation_id=code.activation_id or ""
                )
            )
        elif event.trigger == "revoked":
            outgoing.event(
                a.ActivationCodeRevokedV1(**common, revoked_by=code.revoked_by or "", reason=code.revocation_reason)
            )
        elif event.trigger == "expired":
            outgoing.event(a.ActivationCodeExpiredV1(**common))
    code.events.clear()


async def record_expiry(codes: ActivationCodes, code: ActivationCode, now: datetime, context: MessageContext) -> None:
    """A code found past its date is recorded expired (with its event) before the caller refuses."""
    code.expire(now)
    outgoing = Outgoing(context)
    code_events(outgoing, code)
    await codes.update(code, outgoing.messages)


def manager_page(links: Links, account_id: str) -> str:
    """The new manager's page in « Gérer les accès de mon entreprise »."""
    return f"{links.frontend_url}/gestion-des-acces/utilisateurs/{account_id}"


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
            link=manager_page(links, manager.account_id),
        )
        outgoing.email(other.email, content, account_id=other.account_id, siren=code.siren)


def manager_right_v1(right: ManagerRight, granted_by_name: str | None = None) -> ManagerRightV1:
    return ManagerRightV1(
        account_id=right.account_id,
        siren=right.siren,
        granted_by=right.granted_by,
        granted_by_name=granted_by_name,  # by code: no person granted it
        granted_at=right.granted_at,
        via="manager" if right.via == "manager" else "activation_code",
    )


def right_events(outgoing: Outgoing, right: ManagerRight, granted_by_name: str | None = None) -> None:
    """`ManagerRightGrantedV1` for the grant (or re-grant, or charter accepted) the right went through here."""
    for event in right.events:
        if isinstance(event, RightGranted):
            outgoing.event(ManagerRightGrantedV1(right=manager_right_v1(right, granted_by_name)))
    right.events.clear()
