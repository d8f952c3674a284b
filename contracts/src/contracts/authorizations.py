"""Authorization checks for other ministry systems: may this account act in this role on this establishment?

The gateway answers them from its own copy of the active habilitations, fed by the habilitation
service's public events; the two requests below are how it fills that copy and how it answers
before the copy is loaded.
"""

from datetime import date
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.rpc import Request


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True)


class AuthorizationV1(_Result):
    """`allowed` with the habilitation that allows it (the one lasting longest), or not allowed."""

    allowed: bool
    habilitation_id: str | None = None
    end_date: date | None = None


class ActiveHabilitationV1(_Result):
    """What an authorization check needs of an active habilitation."""

    id: str
    account_id: str
    service: str
    role: str
    siret: str
    end_date: date | None


class ActiveHabilitationsV1(_Result):
    habilitations: list[ActiveHabilitationV1]
    # The `after_id` of the next page; None on the last one.
    next_after_id: str | None


class CheckAuthorizationV1(Request[AuthorizationV1]):
    """Answered from the habilitation store (the authority): the gateway's fallback while its copy loads."""

    MESSAGE_TYPE: ClassVar[str] = "habilitation.check_authorization.v1"
    kind: Literal["habilitation.check_authorization.v1"] = "habilitation.check_authorization.v1"
    account_id: str
    service: str
    role: str
    siret: str


class ListActiveHabilitationsV1(Request[ActiveHabilitationsV1]):
    """One page of the active habilitations, in id order: the snapshot a copy starts from.

    With `siret`, those of one establishment only (what a consuming system needs before it follows
    the `habilitation.habilitation.*` events of that establishment).
    """

    MESSAGE_TYPE: ClassVar[str] = "habilitation.list_active_habilitations.v1"
    kind: Literal["habilitation.list_active_habilitations.v1"] = "habilitation.list_active_habilitations.v1"
    after_id: str | None = None
    limit: int = Field(5000, ge=1, le=10_000)
    siret: str | None = Field(None, pattern=r"^\d{14}$")
