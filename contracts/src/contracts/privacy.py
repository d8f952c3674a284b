"""A person's own data (GDPR): delete my account, export my data, change my e-mail address.

Deletion: identity checks the password (and a fresh second factor when one is enrolled), asks the
habilitation service whether the person is the last access manager of an organisation (refused:
`last_manager`, naming it), then erases the account and publishes `identity.account.deleted.v1`.
Each service that keeps a copy handles that event idempotently: habilitation ends what the person
held and pseudonymises its records (who granted what, when stays, under the account id);
notification erases the bodies and addresses of the e-mails about or to the person.

Requests that name a session by its token, or carry a password, go to the credentials queue.
"""

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.access_requests import AccessRequestV1
from contracts.accounts import AccountProfileV1
from contracts.base import Event
from contracts.habilitation import ActorV1, HabilitationV1, ManagerRightV1
from contracts.invitations import InvitationV1
from contracts.messages import MessageV1
from contracts.rpc import Request, SessionChange
from contracts.second_factor import SecondFactorStatusV1

DeletionReason = Literal["requested", "inactive"]


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True)


# --- identity: delete my account ------------------------------------------------------


class AccountDeletionV1(_Result):
    deleted_at: datetime


class DeleteAccountV1(Request[AccountDeletionV1]):
    """« Supprimer mon compte »: the password again; a second factor proved in the last 15 minutes
    when one is enrolled (else `step_up_required`). Refused with `last_manager` (its `details.siren`
    and a detail naming the organisation) while the person is the last access manager of one."""

    MESSAGE_TYPE: ClassVar[str] = "identity.delete_account.v1"
    CHANGES_SESSIONS: ClassVar[SessionChange] = "account"
    CARRIES_SECRET: ClassVar[bool] = True
    kind: Literal["identity.delete_account.v1"] = "identity.delete_account.v1"
    session_token: str
    password: str


class AccountDeletedV1(Event):
    """The account is gone. `email` is there once, so a copy kept by address (an e-mail sent before the
    account existed) can be found and erased; consumers must not keep it."""

    MESSAGE_TYPE: ClassVar[str] = "identity.account.deleted.v1"
    account_id: str
    email: str
    deleted_at: datetime
    reason: DeletionReason = "requested"


# --- identity: change my e-mail address -----------------------------------------------


class EmailChangeStepV1(_Result):
    """A code was sent to the new address (unless it is taken: then that address is told, and no code
    can match, as at sign-up, so the reply says nothing of who has an account)."""

    new_email: str
    expires_at: datetime
    # When asking again for a code (StartEmailChangeV1 again) is accepted.
    resendable_at: datetime


class StartEmailChangeV1(Request[EmailChangeStepV1]):
    """The new address and the current password. A shared mailbox is refused as at sign-up
    (`shared_mailbox`); the same address as now is a `validation_error`."""

    MESSAGE_TYPE: ClassVar[str] = "identity.start_email_change.v1"
    CARRIES_SECRET: ClassVar[bool] = True
    kind: Literal["identity.start_email_change.v1"] = "identity.start_email_change.v1"
    session_token: str
    new_email: str
    password: str
    client_ip: str | None = None


class VerifyEmailChangeV1(Request[AccountProfileV1]):
    """The 6-digit code (`invalid_code`, `code_expired`, `too_many_attempts` as at sign-up). On success
    the address changes, the old one is told, and every other session of the account is closed."""

    MESSAGE_TYPE: ClassVar[str] = "identity.verify_email_change.v1"
    CHANGES_SESSIONS: ClassVar[SessionChange] = "account"
    CARRIES_SECRET: ClassVar[bool] = True
    kind: Literal["identity.verify_email_change.v1"] = "identity.verify_email_change.v1"
    session_token: str
    code: str


class AccountEmailChangedV1(Event):
    MESSAGE_TYPE: ClassVar[str] = "identity.account.email_changed.v1"
    account_id: str
    email: str
    changed_at: datetime


# --- export my data: one part per service, the gateway puts them together --------------


class ExportedSessionV1(_Result):
    started_at: datetime
    expires_at: datetime
    # When it was closed (logout, password change, deletion…); None while open or until it expired.
    ended_at: datetime | None = None
    client_ip: str | None = None
    amr: list[str] = Field(default_factory=list)
    current: bool = False


class IdentityDataV1(_Result):
    account: AccountProfileV1
    created_at: datetime
    last_login_at: datetime | None = None
    terms_accepted_at: datetime | None = None
    sessions: list[ExportedSessionV1]
    second_factor: SecondFactorStatusV1
    # The applications (OpenID Connect clients) the person signed in to through EFP Connect, by name.
    applications: list[str] = Field(default_factory=list)


class ExportIdentityDataV1(Request[IdentityDataV1]):
    MESSAGE_TYPE: ClassVar[str] = "identity.export_account_data.v1"
    CARRIES_SECRET: ClassVar[bool] = True
    kind: Literal["identity.export_account_data.v1"] = "identity.export_account_data.v1"
    session_token: str


class HistoryEntryV1(_Result):
    """One line of a record's history: what happened, when, by which account (an id, never a name)."""

    record: Literal["habilitation", "manager_right", "access_request", "invitation"]
    record_id: str
    what: str
    at: datetime
    by: str | None = None


class HabilitationDataV1(_Result):
    habilitations: list[HabilitationV1]
    manager_rights: list[ManagerRightV1]
    access_requests: list[AccessRequestV1]
    invitations_received: list[InvitationV1]
    invitations_sent: list[InvitationV1]
    history: list[HistoryEntryV1]


class ExportHabilitationDataV1(Request[HabilitationDataV1]):
    MESSAGE_TYPE: ClassVar[str] = "habilitation.export_account_data.v1"
    kind: Literal["habilitation.export_account_data.v1"] = "habilitation.export_account_data.v1"
    actor: ActorV1


class MessagesDataV1(_Result):
    """Every e-mail kept about the account, newest first; an erased body reads ""."""

    items: list[MessageV1]


class ExportMessagesDataV1(Request[MessagesDataV1]):
    MESSAGE_TYPE: ClassVar[str] = "notification.export_account_data.v1"
    kind: Literal["notification.export_account_data.v1"] = "notification.export_account_data.v1"
    account_id: str


# --- habilitation: what stands in the way of a deletion --------------------------------


class BlockingOrganisationV1(_Result):
    siren: str
    name: str | None


class DeletionBlockersV1(_Result):
    """The organisations of which the account is the last access manager (empty: it may be deleted)."""

    organisations: list[BlockingOrganisationV1]


class GetDeletionBlockersV1(Request[DeletionBlockersV1]):
    MESSAGE_TYPE: ClassVar[str] = "habilitation.get_deletion_blockers.v1"
    kind: Literal["habilitation.get_deletion_blockers.v1"] = "habilitation.get_deletion_blockers.v1"
    account_id: str
