"""The messages habilitation use cases send: public events and e-mail commands, through the outbox."""

from dataclasses import dataclass

from contracts import access_requests as ar
from contracts.base import Command, Event
from contracts.habilitation import HabilitationGrantV1
from contracts.notification import (
    AccessGrantedV1,
    AccessRefusedV1,
    AccessRequestReceivedV1,
    AccessRequestResentV1,
    HabilitationSummaryV1,
    SendEmailV1,
)
from contracts.topology import SEND_EMAIL_ROUTING_KEY
from efp_runtime.message_context import MessageContext
from efp_runtime.outbox import OutboxMessage, command_message, event_message
from habilitation.domain.access_request import AccessRequest
from habilitation.domain.catalogue import SERVICES
from habilitation.use_cases.ports import AccountCopy, Establishment
from habilitation.use_cases.views import role_label

PRODUCER = "habilitation"

_REQUEST_EVENTS: dict[str, type[ar._AccessRequestEvent]] = {
    "submitted": ar.AccessRequestSubmittedV1,
    "resent": ar.AccessRequestResentV1,
    "accepted": ar.AccessRequestAcceptedV1,
    "refused": ar.AccessRequestRefusedV1,
    "cancelled": ar.AccessRequestCancelledV1,
}


@dataclass(frozen=True)
class Links:
    """Absolute links of the frontend pages e-mails point to."""

    frontend_url: str

    def access_request(self, request_id: str) -> str:
        return f"{self.frontend_url}/gestion-des-acces/demandes/{request_id}"

    def charter(self, activation_id: str) -> str:
        """The charter to accept, for an access manager appointed by a colleague."""
        return f"{self.frontend_url}/acces/activation/{activation_id}/charte"

    def my_habilitations(self) -> str:
        return f"{self.frontend_url}/mes-habilitations"

    def my_requests(self) -> str:
        return f"{self.frontend_url}/mes-demandes"


class Outgoing:
    """Collects the messages of one use case, all with the same cause."""

    def __init__(self, context: MessageContext) -> None:
        self._context = context
        self.messages: list[OutboxMessage] = []

    def event(self, event: Event) -> None:
        self.messages.append(event_message(event, self._context, PRODUCER))

    def email(self, to: str, content: object, account_id: str | None = None, siren: str | None = None) -> None:
        command: Command = SendEmailV1(to=to, content=content, account_id=account_id, siren=siren)
        self.messages.append(command_message(command, SEND_EMAIL_ROUTING_KEY, self._context, PRODUCER))

    def request_events(self, request: AccessRequest) -> None:
        """The public event of each transition the request went through in this use case."""
        for event in request.events:
            fields = {
                "access_request_id": request.id,
                "account_id": request.account_id,
                "service": request.service,
                "siren": request.siren,
                "siret": request.siret,
            }
            if event.trigger in ("accepted", "refused"):
                fields["decided_by"] = request.decided_by or ""
            if event.trigger == "refused":
                fields["reason"] = request.reason  # type: ignore[assignment]
            self.event(_REQUEST_EVENTS[event.trigger](**fields))

    def request_to_managers(
        self, request: AccessRequest, requester: AccountCopy, managers: list[AccountCopy], links: Links, resent: bool
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
            self.email(manager.email, content, account_id=manager.account_id, siren=request.siren)

    def access_granted(
        self,
        holder: AccountCopy,
        siren: str,
        habilitations: list[HabilitationGrantV1],
        names: dict[str, Establishment],
        links: Links,
        after_request: bool,
    ) -> None:
        service = habilitations[0].service
        summaries = tuple(
            HabilitationSummaryV1(
                role_label=role_label(h.service, h.role),
                establishment_name=names[h.siret].name if h.siret in names else h.siret,
                siret=h.siret,
                end_date=h.end_date,
            )
            for h in habilitations
        )
        content = AccessGrantedV1(
            service_label=SERVICES[service].label,
            habilitations=summaries,
            after_access_request=after_request,
            link=SERVICES[service].url,
            habilitations_link=links.my_habilitations(),
        )
        self.email(holder.email, content, account_id=holder.account_id, siren=siren)

    def access_refused(self, request: AccessRequest, requester: AccountCopy, links: Links) -> None:
        content = AccessRefusedV1(
            service_label=SERVICES[request.service].label,
            organisation_name=request.organisation_name or request.siren,
            establishment_name=request.establishment_name or request.siret,
            siret=request.siret,
            requested_on=request.created_at.date(),
            reason=request.reason,
            link=links.my_requests(),
        )
        self.email(requester.email, content, account_id=requester.account_id, siren=request.siren)
