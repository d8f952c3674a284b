"""An access request's public events and the e-mails of its steps (to the managers, to the requester)."""

from contracts import access_requests as ar
from contracts.notification import AccessRefusedV1, AccessRequestReceivedV1, AccessRequestResentV1
from efp_runtime.outbox import Outgoing
from habilitation.domain.access_request import AccessRequest, RequestEvent
from habilitation.domain.catalogue import SERVICES
from habilitation.use_cases.links import Links
from habilitation.use_cases.ports import AccountCopy

_REQUEST_EVENTS: dict[RequestEvent, type[ar._AccessRequestEvent]] = {
    RequestEvent.SUBMITTED: ar.AccessRequestSubmittedV1,
    RequestEvent.RESENT: ar.AccessRequestResentV1,
    RequestEvent.ACCEPTED: ar.AccessRequestAcceptedV1,
    RequestEvent.REFUSED: ar.AccessRequestRefusedV1,
    RequestEvent.CANCELLED: ar.AccessRequestCancelledV1,
}
# The decided ones name who decided (and a refusal why).
_DECISIONS = (RequestEvent.ACCEPTED, RequestEvent.REFUSED)


def request_events(outgoing: Outgoing, request: AccessRequest) -> None:
    """The public event of each transition the request went through in this use case."""
    for event in request.events:
        fields = {
            "access_request_id": request.id,
            "account_id": request.account_id,
            "service": request.service,
            "siren": request.siren,
            "siret": request.siret,
        }
        if event in _DECISIONS:
            fields["decided_by"] = request.decided_by or ""
        if event is RequestEvent.REFUSED:
            fields["reason"] = request.reason  # type: ignore[assignment]
        outgoing.event(_REQUEST_EVENTS[event](**fields))


def request_to_managers(
    outgoing: Outgoing,
    request: AccessRequest,
    requester: AccountCopy,
    managers: list[AccountCopy],
    links: Links,
    resent: bool,
) -> None:
    model = AccessRequestResentV1 if resent else AccessRequestReceivedV1
    for manager in managers:
        content = model(
            service_label=SERVICES[request.service].label,
            requester_first_name=requester.first_name,
            requester_last_name=requester.last_name,
            requester_email=requester.email,
            organisation_name=request.organisation_name or request.siren,
            establishment_name=request.establishment_name or request.siret,
            siret=request.siret,
            requested_on=request.created_at.date(),
            message=request.message,
            link=links.access_request(request.id),
        )
        outgoing.email(
            manager.email,
            content,
            account_id=manager.account_id,
            siren=request.siren,
            mentions=[requester.account_id],
        )


def access_refused(outgoing: Outgoing, request: AccessRequest, requester: AccountCopy, links: Links) -> None:
    content = AccessRefusedV1(
        service_label=SERVICES[request.service].label,
        organisation_name=request.organisation_name or request.siren,
        establishment_name=request.establishment_name or request.siret,
        siret=request.siret,
        requested_on=request.created_at.date(),
        reason=request.reason,
        link=links.my_requests(),
    )
    outgoing.email(requester.email, content, account_id=requester.account_id, siren=request.siren)
