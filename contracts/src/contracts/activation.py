"""Habilitation service: activation codes (« code d'activation ») and self-activation — requests, replies, events.

The plain code appears in exactly two places on the wire: the reply to `IssueActivationCodeV1`
(shown once to the agent) and `StartActivationV1` (typed by the user). No event carries it.
"""

from datetime import datetime
from typing import ClassVar, Generic, Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.base import Event
from contracts.habilitation import ActorV1, ManagerRightV1
from contracts.rpc import Request, ResultT

ActivationCodeState = Literal["issued", "redeemed", "revoked", "expired"]


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True)


class IssuedActivationCodeV1(_Result):
    """The new code, in clear this once; the letter can be fetched once until `letter_available_until`."""

    id: str
    code: str
    service: str
    siret: str
    expires_at: datetime
    letter_available_until: datetime


class ActivationCodeV1(_Result):
    """A code as agents list it: never the code itself."""

    id: str
    service: str
    siret: str
    siren: str
    organisation_name: str | None
    establishment_name: str | None
    state: ActivationCodeState
    issued_at: datetime
    expires_at: datetime
    issued_by: str
    issued_by_name: str | None = None
    redeemed_by: str | None = None
    redeemed_by_name: str | None = None
    redeemed_at: datetime | None = None
    revoked_by: str | None = None
    revoked_at: datetime | None = None
    revocation_reason: str | None = None
    # The audit of the letter's one download (it holds the code in clear). Older replies lack them.
    letter_downloaded_by: str | None = None
    letter_downloaded_at: datetime | None = None


class ActivationCodesV1(_Result):
    activation_codes: list[ActivationCodeV1]


class ActivationLetterV1(_Result):
    """The postal letter « Modalités d'accès à l'applicatif CERES », base64-encoded for the JSON wire."""

    filename: str
    media_type: str = "application/pdf"
    content_base64: str


class CharterV1(_Result):
    """« Charte du responsable des accès » (Markdown)."""

    version: str
    text: str


class ActivationStartedV1(_Result):
    activation_id: str
    charter: CharterV1


class ActivationCompletedV1(_Result):
    """The caller is now access manager of the organisation."""

    activation_id: str
    service: str
    siret: str
    siren: str
    organisation_name: str | None
    charter_version: str
    manager_right: ManagerRightV1


class _ActorRequest(Request[ResultT], Generic[ResultT]):
    actor: ActorV1


class IssueActivationCodeV1(_ActorRequest[IssuedActivationCodeV1]):
    """An agent issues a code for (service, SIRET); any code still issued for the pair is revoked."""

    MESSAGE_TYPE: ClassVar[str] = "habilitation.issue_activation_code.v1"
    kind: Literal["habilitation.issue_activation_code.v1"] = "habilitation.issue_activation_code.v1"
    service: str = "ceres"
    siret: str = Field(max_length=20)


class ListActivationCodesV1(_ActorRequest[ActivationCodesV1]):
    MESSAGE_TYPE: ClassVar[str] = "habilitation.list_activation_codes.v1"
    kind: Literal["habilitation.list_activation_codes.v1"] = "habilitation.list_activation_codes.v1"
    siret: str = Field(max_length=20)


class RevokeActivationCodeV1(_ActorRequest[ActivationCodeV1]):
    MESSAGE_TYPE: ClassVar[str] = "habilitation.revoke_activation_code.v1"
    kind: Literal["habilitation.revoke_activation_code.v1"] = "habilitation.revoke_activation_code.v1"
    activation_code_id: str
    reason: str | None = Field(None, max_length=500)


class GetActivationLetterV1(_ActorRequest[ActivationLetterV1]):
    """Single use, by the issuing agent, within minutes of issuance (the letter holds the code)."""

    MESSAGE_TYPE: ClassVar[str] = "habilitation.get_activation_letter.v1"
    kind: Literal["habilitation.get_activation_letter.v1"] = "habilitation.get_activation_letter.v1"
    activation_code_id: str


class StartActivationV1(_ActorRequest[ActivationStartedV1]):
    """A logged-in user enters SIRET + code; the reply shows the charter to accept."""

    MESSAGE_TYPE: ClassVar[str] = "habilitation.start_activation.v1"
    # The code is a credential: it must never rest on the broker's disk.
    CARRIES_SECRET: ClassVar[bool] = True
    kind: Literal["habilitation.start_activation.v1"] = "habilitation.start_activation.v1"
    siret: str = Field(max_length=20)
    activation_code: str = Field(max_length=40)


class AcceptManagerCharterV1(_ActorRequest[ActivationCompletedV1]):
    MESSAGE_TYPE: ClassVar[str] = "habilitation.accept_manager_charter.v1"
    kind: Literal["habilitation.accept_manager_charter.v1"] = "habilitation.accept_manager_charter.v1"
    activation_id: str
    accept: bool


# --- public events (never the code) ------------------------------------------------------


class _ActivationCodeEvent(Event):
    activation_code_id: str
    service: str
    siret: str
    siren: str


class ActivationCodeIssuedV1(_ActivationCodeEvent):
    MESSAGE_TYPE: ClassVar[str] = "habilitation.activation_code.issued.v1"
    issued_by: str
    expires_at: datetime


class ActivationCodeRedeemedV1(_ActivationCodeEvent):
    MESSAGE_TYPE: ClassVar[str] = "habilitation.activation_code.redeemed.v1"
    redeemed_by: str
    activation_id: str


class ActivationCodeRevokedV1(_ActivationCodeEvent):
    MESSAGE_TYPE: ClassVar[str] = "habilitation.activation_code.revoked.v1"
    revoked_by: str
    reason: str | None = None


class ActivationCodeExpiredV1(_ActivationCodeEvent):
    MESSAGE_TYPE: ClassVar[str] = "habilitation.activation_code.expired.v1"
