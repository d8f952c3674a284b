"""How habilitations and access requests appear on the wire, with names resolved from the account copies."""

from contracts.access_requests import AccessRequestV1
from contracts.habilitation import HabilitationV1
from habilitation.domain.access_request import AccessRequest
from habilitation.domain.catalogue import SERVICES
from habilitation.domain.habilitation import Habilitation
from habilitation.use_cases.ports import AccountCopy


def role_label(service: str, role: str) -> str:
    found = SERVICES[service].role(role) if service in SERVICES else None
    return found.label if found else role


def habilitation_v1(h: Habilitation, accounts: dict[str, AccountCopy]) -> HabilitationV1:
    granter = accounts.get(h.granted_by)
    return HabilitationV1(
        id=h.id,
        account_id=h.account_id,
        service=h.service,
        role=h.role,
        role_label=role_label(h.service, h.role),
        siret=h.siret,
        siren=h.siren,
        end_date=h.end_date,
        granted_by=h.granted_by,
        granted_by_name=granter.display_name if granter else None,
        granted_at=h.granted_at,
        via=h.via.value,
        state=h.state.value,
    )


def access_request_v1(r: AccessRequest, accounts: dict[str, AccountCopy]) -> AccessRequestV1:
    requester = accounts.get(r.account_id)
    return AccessRequestV1(
        id=r.id,
        account_id=r.account_id,
        requester_name=requester.display_name if requester else None,
        requester_email=requester.email if requester else None,
        service=r.service,
        siren=r.siren,
        siret=r.siret,
        establishment_name=r.establishment_name,
        message=r.message,
        status=r.state.value,
        created_at=r.created_at,
        last_sent_at=r.last_sent_at,
        resendable_at=r.resendable_at,
        decided_by=r.decided_by,
        decided_at=r.decided_at,
        reason=r.reason,
    )
