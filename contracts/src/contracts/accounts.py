"""Identity service: accounts, sessions and password reset — RPC requests, replies and public events.

Requests that carry a password go to the identity service's credentials queue: classic,
transient, no dead-lettering, so a password never rests on the broker's disk.
"""

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.base import Event
from contracts.identity import RegistrationStepV1
from contracts.rpc import Request, SessionChange


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True)


class DoneV1(_Result):
    done: bool = True


class AccountProfileV1(_Result):
    account_id: str
    email: str
    kind: Literal["user", "agent"]
    civility: str | None
    last_name: str
    first_name: str
    job_title: str | None
    phone: str | None
    siren: str | None
    agent_service: str | None = None
    region: str | None = None


class AccountCreatedReplyV1(_Result):
    account_id: str


# --- sign-up steps 1b, 3, 4, 5 -------------------------------------------------------


class ResendRegistrationCodeV1(Request[RegistrationStepV1]):
    MESSAGE_TYPE: ClassVar[str] = "identity.resend_registration_code.v1"
    kind: Literal["identity.resend_registration_code.v1"] = "identity.resend_registration_code.v1"
    registration_id: str
    # Needed from the second resend on.
    captcha_id: str | None = None
    captcha_answer: str | None = None
    # The address the gateway saw: the code e-mail's requester.
    client_ip: str | None = None


class ChooseRegistrationPasswordV1(Request[RegistrationStepV1]):
    MESSAGE_TYPE: ClassVar[str] = "identity.choose_registration_password.v1"
    CARRIES_SECRET: ClassVar[bool] = True
    kind: Literal["identity.choose_registration_password.v1"] = "identity.choose_registration_password.v1"
    registration_id: str
    password: str


class GiveRegistrationIdentityV1(Request[RegistrationStepV1]):
    MESSAGE_TYPE: ClassVar[str] = "identity.give_registration_identity.v1"
    kind: Literal["identity.give_registration_identity.v1"] = "identity.give_registration_identity.v1"
    registration_id: str
    civility: str
    last_name: str
    first_name: str


class GoBackInRegistrationV1(Request[RegistrationStepV1]):
    """« Retour » in the sign-up: from the organisation step back to `step` (only "identity" so far)."""

    MESSAGE_TYPE: ClassVar[str] = "identity.go_back_in_registration.v1"
    kind: Literal["identity.go_back_in_registration.v1"] = "identity.go_back_in_registration.v1"
    registration_id: str
    step: Literal["identity"]


class CompleteRegistrationV1(Request[AccountCreatedReplyV1]):
    MESSAGE_TYPE: ClassVar[str] = "identity.complete_registration.v1"
    kind: Literal["identity.complete_registration.v1"] = "identity.complete_registration.v1"
    registration_id: str
    siren: str
    job_title: str | None = None
    accept_terms: bool


# --- sessions -------------------------------------------------------------------------


class SessionOpenedV1(_Result):
    session_token: str
    csrf_token: str
    expires_at: datetime
    account: AccountProfileV1
    # A device cookie for this browser (OWASP): presented at the next logins to the same address,
    # its failures count on their own. Optional for older identity replicas.
    device_token: str | None = None
    # True when the account has a second factor: this session opens nothing but the second step
    # (contracts.second_factor.ProveSecondFactorV1), which replaces it by a full one.
    second_factor_pending: bool = False
    # RFC 8176 methods this session was opened with ("pwd", then "otp" or "hwk", and "mfa").
    amr: list[str] = Field(default_factory=lambda: ["pwd"])


class LogInV1(Request[SessionOpenedV1]):
    MESSAGE_TYPE: ClassVar[str] = "identity.log_in.v1"
    CHANGES_SESSIONS: ClassVar[SessionChange] = "this"
    CARRIES_SECRET: ClassVar[bool] = True
    kind: Literal["identity.log_in.v1"] = "identity.log_in.v1"
    email: str
    password: str
    captcha_id: str
    captcha_answer: str
    client_ip: str | None = None
    # The session the browser had before, revoked at login (ids are regenerated).
    previous_session_token: str | None = None
    # The device cookie an earlier successful login gave this browser, if any.
    device_token: str | None = None


class SessionV1(_Result):
    account_id: str
    kind: Literal["user", "agent"]
    csrf_token: str
    siren: str | None
    # Agents: their région, to which the habilitation service scopes activation codes.
    region: str | None = None
    amr: list[str] = Field(default_factory=lambda: ["pwd"])
    # When this session last proved a second factor (login's second step or step-up); None: never.
    second_factor_at: datetime | None = None
    # Whether the account has a second factor enrolled (then every new session proves it).
    second_factor_enrolled: bool = False
    # When the session ends unless used again: the earlier of its idle and absolute ends, as of this answer.
    # A copy of this answer (the gateway's session cache) must not outlive it. None: not said.
    expires_at: datetime | None = None


class AuthenticateSessionV1(Request[SessionV1]):
    MESSAGE_TYPE: ClassVar[str] = "identity.authenticate_session.v1"
    CARRIES_SECRET: ClassVar[bool] = True
    kind: Literal["identity.authenticate_session.v1"] = "identity.authenticate_session.v1"
    session_token: str


class LogOutV1(Request[DoneV1]):
    MESSAGE_TYPE: ClassVar[str] = "identity.log_out.v1"
    CHANGES_SESSIONS: ClassVar[SessionChange] = "this"
    CARRIES_SECRET: ClassVar[bool] = True
    kind: Literal["identity.log_out.v1"] = "identity.log_out.v1"
    session_token: str


class OtherSessionsClosedV1(_Result):
    closed: int


class LogOutOtherSessionsV1(Request[OtherSessionsClosedV1]):
    """« Se déconnecter de mes autres sessions »: every session of the account but this one."""

    MESSAGE_TYPE: ClassVar[str] = "identity.log_out_other_sessions.v1"
    CHANGES_SESSIONS: ClassVar[SessionChange] = "account"
    CARRIES_SECRET: ClassVar[bool] = True
    kind: Literal["identity.log_out_other_sessions.v1"] = "identity.log_out_other_sessions.v1"
    session_token: str


# --- profile --------------------------------------------------------------------------


class GetProfileV1(Request[AccountProfileV1]):
    MESSAGE_TYPE: ClassVar[str] = "identity.get_profile.v1"
    kind: Literal["identity.get_profile.v1"] = "identity.get_profile.v1"
    account_id: str


class UpdateProfileV1(Request[AccountProfileV1]):
    """Only the fields present are changed; `null` clears job_title or phone."""

    MESSAGE_TYPE: ClassVar[str] = "identity.update_profile.v1"
    kind: Literal["identity.update_profile.v1"] = "identity.update_profile.v1"
    account_id: str
    changes: dict[str, str | None]


class ChangePasswordV1(Request[DoneV1]):
    """A logged-in person changes their password: the current one first; the other sessions are closed."""

    MESSAGE_TYPE: ClassVar[str] = "identity.change_password.v1"
    CHANGES_SESSIONS: ClassVar[SessionChange] = "account"
    CARRIES_SECRET: ClassVar[bool] = True
    kind: Literal["identity.change_password.v1"] = "identity.change_password.v1"
    # The session asking: it stays open, every other session of the account is closed.
    session_token: str
    current_password: str
    password: str


# --- password reset (guide §5.2) ------------------------------------------------------


class PasswordResetStepV1(_Result):
    reset_id: str
    step: str


class RequestPasswordResetV1(Request[PasswordResetStepV1]):
    MESSAGE_TYPE: ClassVar[str] = "identity.request_password_reset.v1"
    kind: Literal["identity.request_password_reset.v1"] = "identity.request_password_reset.v1"
    email: str
    captcha_id: str
    captcha_answer: str
    # The address the gateway saw: the code e-mail's requester (notification's per-requester budget).
    client_ip: str | None = None


class VerifyPasswordResetCodeV1(Request[PasswordResetStepV1]):
    MESSAGE_TYPE: ClassVar[str] = "identity.verify_password_reset_code.v1"
    kind: Literal["identity.verify_password_reset_code.v1"] = "identity.verify_password_reset_code.v1"
    reset_id: str
    code: str


class ResetPasswordV1(Request[PasswordResetStepV1]):
    MESSAGE_TYPE: ClassVar[str] = "identity.reset_password.v1"
    CHANGES_SESSIONS: ClassVar[SessionChange] = "account"
    CARRIES_SECRET: ClassVar[bool] = True
    kind: Literal["identity.reset_password.v1"] = "identity.reset_password.v1"
    reset_id: str
    password: str


# --- public events (no password material, no codes, no tokens) -----------------------


class AccountCreatedV1(Event):
    MESSAGE_TYPE: ClassVar[str] = "identity.account.created.v1"
    account_id: str
    email: str
    kind: Literal["user", "agent"]
    civility: str | None
    last_name: str
    first_name: str
    job_title: str | None
    siren: str | None
    created_at: datetime


class AccountProfileUpdatedV1(Event):
    MESSAGE_TYPE: ClassVar[str] = "identity.account.profile_updated.v1"
    account_id: str
    civility: str | None
    last_name: str
    first_name: str
    job_title: str | None
    phone: str | None
    changed: list[str]
    # When the profile changed, so a copy can tell a replayed older update from a newer one
    # (None from a producer that predates the field: such an update is applied as it comes).
    updated_at: datetime | None = None


class AccountPasswordChangedV1(Event):
    MESSAGE_TYPE: ClassVar[str] = "identity.account.password_changed.v1"
    account_id: str
    changed_at: datetime


class SessionStartedV1(Event):
    """For audit: who logged in, when, from where (no session token)."""

    MESSAGE_TYPE: ClassVar[str] = "identity.session.started.v1"
    account_id: str
    started_at: datetime
    client_ip: str | None


class SessionsChangedV1(Event):
    """Some session of the account ended, or changed what `SessionV1` says of it (a second factor proved,
    enrolled or removed): a copy of those answers (the gateway's session cache) drops the account's."""

    MESSAGE_TYPE: ClassVar[str] = "identity.session.changed.v1"
    account_id: str
    changed_at: datetime


class RegistrationAbandonedV1(Event):
    MESSAGE_TYPE: ClassVar[str] = "identity.registration.abandoned.v1"
    registration_id: str
    last_step: str
