"""Habilitation service: access requests (« demande d'accès ») — requests, replies, events."""

from datetime import datetime
from typing import ClassVar, Generic, Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.base import Event
from contracts.habilitation import ActorV1, HabilitationGrantV1
from contracts.rpc import Request, ResultT


class AccessRequestV1(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    account_id: str
    requester_name: str | None
    requester_email: str | None
    service: str
    siren: str
    siret: str
    establishment_name: str | None
    message: str | None
    status: Literal["pending", "accepted", "refused", "cancelled"]
    created_at: datetime
    last_sent_at: datetime
    resendable_at: datetime
    decided_by: str | None = None
    decided_at: datetime | None = None
    reason: str | None = None


class AccessRequestsV1(BaseModel):
    model_config = ConfigDict(frozen=True)

    access_requests: list[AccessRequestV1]
    # Added with paging: the key to ask `after` for the next page (None on the last page), and how many
    # match the filters in all. Older replies lack them: one page holding everything.
    next_after: list[str] | None = None
    total: int | None = None


class _ActorRequest(Request[ResultT], Generic[ResultT]):
    actor: ActorV1


class SubmitAccessRequestV1(_ActorRequest[AccessRequestV1]):
    MESSAGE_TYPE: ClassVar[str] = "habilitation.submit_access_request.v1"
    kind: Literal["habilitation.submit_access_request.v1"] = "habilitation.submit_access_request.v1"
    service: str
    siret: str
    message: str | None = Field(None, max_length=1000)


class ListMyAccessRequestsV1(_ActorRequest[AccessRequestsV1]):
    MESSAGE_TYPE: ClassVar[str] = "habilitation.list_my_access_requests.v1"
    kind: Literal["habilitation.list_my_access_requests.v1"] = "habilitation.list_my_access_requests.v1"


class GetAccessRequestV1(_ActorRequest[AccessRequestV1]):
    """One access request: its requester's, or one of an organisation the actor is an active manager of."""

    MESSAGE_TYPE: ClassVar[str] = "habilitation.get_access_request.v1"
    kind: Literal["habilitation.get_access_request.v1"] = "habilitation.get_access_request.v1"
    access_request_id: str


class ResendAccessRequestV1(_ActorRequest[AccessRequestV1]):
    MESSAGE_TYPE: ClassVar[str] = "habilitation.resend_access_request.v1"
    kind: Literal["habilitation.resend_access_request.v1"] = "habilitation.resend_access_request.v1"
    access_request_id: str


class CancelAccessRequestV1(_ActorRequest[AccessRequestV1]):
    MESSAGE_TYPE: ClassVar[str] = "habilitation.cancel_access_request.v1"
    kind: Literal["habilitation.cancel_access_request.v1"] = "habilitation.cancel_access_request.v1"
    access_request_id: str


class ListOrganisationAccessRequestsV1(_ActorRequest[AccessRequestsV1]):
    MESSAGE_TYPE: ClassVar[str] = "habilitation.list_organisation_access_requests.v1"
    kind: Literal["habilitation.list_organisation_access_requests.v1"] = (
        "habilitation.list_organisation_access_requests.v1"
    )
    siren: str
    status: Literal["pending", "accepted", "refused", "cancelled"] | None = None
    # Added with paging: `siret` (on this establishment), `q` (a prefix of the person's name or e-mail,
    # case and accents ignored), `after` (the `next_after` of the previous page), `limit` (None: all,
    # what a caller that predates paging gets).
    siret: str | None = None
    q: str | None = None
    after: list[str] | None = None
    limit: int | None = None


class AcceptAccessRequestV1(_ActorRequest[AccessRequestV1]):
    MESSAGE_TYPE: ClassVar[str] = "habilitation.accept_access_request.v1"
    kind: Literal["habilitation.accept_access_request.v1"] = "habilitation.accept_access_request.v1"
    access_request_id: str
    habilitations: list[HabilitationGrantV1] = Field(min_length=1)


class RefuseAccessRequestV1(_ActorRequest[AccessRequestV1]):
    MESSAGE_TYPE: ClassVar[str] = "habilitation.refuse_access_request.v1"
    kind: Literal["habilitation.refuse_access_request.v1"] = "habilitation.refuse_access_request.v1"
    access_request_id: str
    reason: str | None = Field(None, max_length=1000)


# --- public events ----------------------------------------------------------------------


class _AccessRequestEvent(Event):
    access_request_id: str
    account_id: str
    service: str
    siren: str
    siret: str


class AccessRequestSubmittedV1(_AccessRequestEvent):
    MESSAGE_TYPE: ClassVar[str] = "habilitation.access_request.submitted.v1"


class AccessRequestResentV1(_AccessRequestEvent):
    MESSAGE_TYPE: ClassVar[str] = "habilitation.access_request.resent.v1"


class AccessRequestAcceptedV1(_AccessRequestEvent):
    MESSAGE_TYPE: ClassVar[str] = "habilitation.access_request.accepted.v1"
    decided_by: str


class AccessRequestRefusedV1(_AccessRequestEvent):
    MESSAGE_TYPE: ClassVar[str] = "habilitation.access_request.refused.v1"
    decided_by: str
    reason: str | None = None


class AccessRequestCancelledV1(_AccessRequestEvent):
    MESSAGE_TYPE: ClassVar[str] = "habilitation.access_request.cancelled.v1"
