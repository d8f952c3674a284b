"""Habilitation service: invitations (guide §5, §6.2–6.3) — requests, replies and public events.

The invitation token travels only in the accept request (credentials queue) and in the
private e-mail command; the public events never carry it, nor the invitee's e-mail address.
"""

from datetime import datetime
from typing import ClassVar, Generic, Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.base import Event
from contracts.habilitation import ActorV1, HabilitationGrantV1
from contracts.rpc import Request, ResultT

InvitationStatus = Literal["sent", "accepted", "expired", "revoked"]


class InvitationV1(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    email: str
    account_id: str
    first_name: str
    last_name: str
    siren: str
    organisation_name: str | None
    # An invitation past its expiry reads "expired" even before the sweeper records it.
    status: InvitationStatus
    habilitations: list[HabilitationGrantV1]
    invited_by: str
    invited_by_name: str | None
    created_at: datetime
    last_sent_at: datetime
    # Also when « Relancer l'invitation » becomes possible.
    expires_at: datetime
    accepted_at: datetime | None = None
    revoked_by: str | None = None
    revoked_at: datetime | None = None


class InvitationsV1(BaseModel):
    model_config = ConfigDict(frozen=True)

    invitations: list[InvitationV1]
    # Added with paging: the key to ask `after` for the next page (None on the last page), and how many
    # match the filters in all. Older replies lack them: one page holding everything.
    next_after: list[str] | None = None
    total: int | None = None


class _ActorRequest(Request[ResultT], Generic[ResultT]):
    actor: ActorV1


class InviteUserV1(_ActorRequest[InvitationV1]):
    """Identity fields are needed only when the address has no EFP Connect account yet."""

    MESSAGE_TYPE: ClassVar[str] = "habilitation.invite_user.v1"
    kind: Literal["habilitation.invite_user.v1"] = "habilitation.invite_user.v1"
    siren: str
    email: str = Field(max_length=254)
    civility: str | None = Field(None, max_length=20)
    last_name: str | None = Field(None, max_length=200)
    first_name: str | None = Field(None, max_length=200)
    job_title: str | None = Field(None, max_length=200)
    habilitations: list[HabilitationGrantV1] = Field(min_length=1, max_length=50)


class ListInvitationsV1(_ActorRequest[InvitationsV1]):
    MESSAGE_TYPE: ClassVar[str] = "habilitation.list_invitations.v1"
    kind: Literal["habilitation.list_invitations.v1"] = "habilitation.list_invitations.v1"
    siren: str
    status: InvitationStatus | None = None
    # Added with paging: `siret` (on this establishment), `q` (a prefix of the person's name or e-mail,
    # case and accents ignored), `after` (the `next_after` of the previous page), `limit` (None: all,
    # what a caller that predates paging gets).
    siret: str | None = None
    q: str | None = None
    after: list[str] | None = None
    limit: int | None = None


class ResendInvitationV1(_ActorRequest[InvitationV1]):
    MESSAGE_TYPE: ClassVar[str] = "habilitation.resend_invitation.v1"
    kind: Literal["habilitation.resend_invitation.v1"] = "habilitation.resend_invitation.v1"
    invitation_id: str


class RevokeInvitationV1(_ActorRequest[InvitationV1]):
    MESSAGE_TYPE: ClassVar[str] = "habilitation.revoke_invitation.v1"
    kind: Literal["habilitation.revoke_invitation.v1"] = "habilitation.revoke_invitation.v1"
    invitation_id: str


class AcceptInvitationV1(_ActorRequest[InvitationV1]):
    """The invitee, logged in with the invited address, presents the token of the e-mail link."""

    MESSAGE_TYPE: ClassVar[str] = "habilitation.accept_invitation.v1"
    # The token grants habilitations: it must never rest on the broker's disk.
    CARRIES_SECRET: ClassVar[bool] = True
    kind: Literal["habilitation.accept_invitation.v1"] = "habilitation.accept_invitation.v1"
    token: str = Field(max_length=200)


# --- public events ----------------------------------------------------------------------


class _InvitationEvent(Event):
    invitation_id: str
    siren: str
    # The invitee's account (prepared by the identity service when the address had none).
    account_id: str


class InvitationSentV1(_InvitationEvent):
    MESSAGE_TYPE: ClassVar[str] = "habilitation.invitation.sent.v1"
    invited_by: str
    expires_at: datetime
    habilitations: list[HabilitationGrantV1]


class InvitationResentV1(_InvitationEvent):
    MESSAGE_TYPE: ClassVar[str] = "habilitation.invitation.resent.v1"
    resent_by: str
    expires_at: datetime


class InvitationExpiredV1(_InvitationEvent):
    MESSAGE_TYPE: ClassVar[str] = "habilitation.invitation.expired.v1"


class InvitationAcceptedV1(_InvitationEvent):
    MESSAGE_TYPE: ClassVar[str] = "habilitation.invitation.accepted.v1"


class InvitationRevokedV1(_InvitationEvent):
    MESSAGE_TYPE: ClassVar[str] = "habilitation.invitation.revoked.v1"
    revoked_by: str
