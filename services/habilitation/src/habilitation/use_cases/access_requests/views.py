"""How an access request appears on the wire, with names resolved from the account copies."""

from contracts.access_requests import AccessRequestV1
from habilitation.domain.access_request import AccessRequest
from habilitation.use_cases.ports import AccountCopy


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
