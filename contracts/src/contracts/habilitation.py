"""Habilitation service, shared parts: who calls, what a habilitation is, and its events."""

from datetime import date, datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.base import Event


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True)


class ActorV1(_Data):
    """The authenticated caller, as the gateway's session says (the gateway vouches for it)."""

    account_id: str
    kind: Literal["user", "agent"]
    siren: str | None = None
    # An agent's région as written on the account (INSEE code or name); None: nationwide.
    region: str | None = None
    # What the session proved (SessionV1): the habilitation service asks managers and agents for a
    # second factor, and a fresh one (step-up) before the gravest acts.
    amr: list[str] = Field(default_factory=lambda: ["pwd"])
    second_factor_at: datetime | None = None
    second_factor_enrolled: bool = False


Via = Literal["activation_code", "access_request", "invitation", "manager", "delegation"]


class HabilitationV1(_Data):
    id: str
    account_id: str
    service: str
    role: str
    role_label: str
    siret: str
    siren: str
    end_date: date | None
    granted_by: str
    granted_by_name: str | None
    granted_at: datetime
    via: Via
    state: Literal["active", "revoked", "expired"]


class HabilitationGrantV1(_Data):
    """One habilitation to grant: a role of a service on an establishment, optionally until a date."""

    service: str = "ceres"
    role: str
    siret: str
    end_date: date | None = None


class ManagerRightV1(_Data):
    account_id: str
    siren: str
    granted_by: str | None
    granted_by_name: str | None
    granted_at: datetime
    via: Literal["activation_code", "manager"]


# --- public events ----------------------------------------------------------------------


class HabilitationGrantedV1(Event):
    MESSAGE_TYPE: ClassVar[str] = "habilitation.habilitation.granted.v1"
    habilitation: HabilitationV1


class HabilitationRevokedV1(Event):
    MESSAGE_TYPE: ClassVar[str] = "habilitation.habilitation.revoked.v1"
    habilitation: HabilitationV1
    revoked_by: str
    reason: str | None = None


class HabilitationExpiredV1(Event):
    MESSAGE_TYPE: ClassVar[str] = "habilitation.habilitation.expired.v1"
    habilitation: HabilitationV1


class ManagerRightGrantedV1(Event):
    MESSAGE_TYPE: ClassVar[str] = "habilitation.manager_right.granted.v1"
    right: ManagerRightV1


class ManagerRightWithdrawnV1(Event):
    MESSAGE_TYPE: ClassVar[str] = "habilitation.manager_right.withdrawn.v1"
    account_id: str
    siren: str
    withdrawn_by: str
