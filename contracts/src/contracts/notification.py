"""Notification service: the private command that asks for an e-mail, and its contents."""

from datetime import date
from typing import Annotated, ClassVar, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, EmailStr, Field

from contracts.base import Command

Siren = Annotated[str, Field(pattern=r"^\d{9}$")]
Siret = Annotated[str, Field(pattern=r"^\d{14}$")]
# Links are absolute URLs of frontend pages, built by the producer.
Link = Annotated[str, Field(pattern=r"^https?://\S+$")]


class SignupVerificationCodeV1(BaseModel):
    """« Validation de votre compte EFP CONNECT »: the 6-digit code of sign-up step 2."""

    model_config = ConfigDict(frozen=True)

    template: Literal["signup_verification_code"] = "signup_verification_code"
    code: str = Field(pattern=r"^\d{6}$")
    valid_for_hours: int = 1
    # « Valider mon adresse e-mail »: the step-2 page with the code filled in (absent from older messages).
    link: Link | None = None

    # Fields masked in the stored copy of the e-mail (message history shows no secrets); the link
    # carries the code.
    SECRET_FIELDS: ClassVar[tuple[str, ...]] = ("code", "link")


class SignupAttemptOnExistingAccountV1(BaseModel):
    """Someone tried to create an account with an address that has one already."""

    model_config = ConfigDict(frozen=True)

    template: Literal["signup_attempt_existing_account"] = "signup_attempt_existing_account"
    SECRET_FIELDS: ClassVar[tuple[str, ...]] = ()


class AccountCreatedEmailV1(BaseModel):
    """« Votre compte EFP Connect est créé »."""

    model_config = ConfigDict(frozen=True)

    template: Literal["account_created"] = "account_created"
    civility: str | None
    last_name: str
    first_name: str
    # « Se connecter »: the login page (absent from older messages).
    link: Link | None = None
    SECRET_FIELDS: ClassVar[tuple[str, ...]] = ()


class PasswordResetCodeV1(BaseModel):
    """Guide §5.2: the single-use reset code, valid 24 hours."""

    model_config = ConfigDict(frozen=True)

    template: Literal["password_reset_code"] = "password_reset_code"
    code: str = Field(pattern=r"^\d{6}$")
    valid_for_hours: int = 24
    # « Bonjour Madame Durand »; without both, « Bonjour, » (an invited account may have no civility).
    civility: str | None = None
    last_name: str | None = None
    # « Réinitialiser mon mot de passe »: the code step of the reset, code filled in (absent from older messages).
    link: Link | None = None
    # The link carries the code.
    SECRET_FIELDS: ClassVar[tuple[str, ...]] = ("code", "link")


class PasswordChangedEmailV1(BaseModel):
    """« Votre mot de passe a été modifié »."""

    model_config = ConfigDict(frozen=True)

    template: Literal["password_changed"] = "password_changed"
    SECRET_FIELDS: ClassVar[tuple[str, ...]] = ()


class CodesLockedEmailV1(BaseModel):
    """Security notice: too many wrong codes for the address in a day, so no code of that kind is
    tried (nor sent) for 24 hours. Sent once, when the budget is spent."""

    model_config = ConfigDict(frozen=True)

    template: Literal["codes_locked"] = "codes_locked"
    purpose: Literal["sign_up", "password_reset"]
    SECRET_FIELDS: ClassVar[tuple[str, ...]] = ()


SecondFactorChange = Literal[
    "totp_enrolled",
    "passkey_added",
    "totp_removed",
    "passkey_removed",
    "recovery_codes_regenerated",
    "recovery_code_used",
]


class SecondFactorChangedEmailV1(BaseModel):
    """Security notice (ASVS V2.2.3): the account's second factor changed, or a recovery code (the lost-device
    path) was used to log in. One fixed wording per `change`; shown « le JJ/MM/AAAA à HH:MM », Paris time."""

    model_config = ConfigDict(frozen=True)

    template: Literal["second_factor_changed"] = "second_factor_changed"
    change: SecondFactorChange
    changed_at: AwareDatetime
    # The passkey added or removed, as its holder named it.
    passkey_name: str | None = Field(default=None, max_length=64)
    # After `recovery_code_used`: how many unused codes are left.
    recovery_codes_left: int | None = Field(default=None, ge=0)
    SECRET_FIELDS: ClassVar[tuple[str, ...]] = ()


# --- the person's own data (issue 15), produced by the identity service -----------------------


class EmailChangeCodeV1(BaseModel):
    """To the new address: the 6-digit code that proves it before it replaces the account's address."""

    model_config = ConfigDict(frozen=True)

    template: Literal["email_change_code"] = "email_change_code"
    code: str = Field(pattern=r"^\d{6}$")
    valid_for_minutes: int = 30
    SECRET_FIELDS: ClassVar[tuple[str, ...]] = ("code",)


class EmailChangedNoticeV1(BaseModel):
    """To the old address, once the new one is proved: « Votre adresse e-mail a été modifiée »."""

    model_config = ConfigDict(frozen=True)

    template: Literal["email_changed"] = "email_changed"
    # The new address, masked (« j•••@exemple.fr »): the old mailbox may no longer be the person's.
    new_email_hint: str = Field(max_length=320)
    changed_at: AwareDatetime
    SECRET_FIELDS: ClassVar[tuple[str, ...]] = ()


class AccountDeletedEmailV1(BaseModel):
    """The last e-mail: « Votre compte EFP Connect a été supprimé ». Its body is erased once sent."""

    model_config = ConfigDict(frozen=True)

    template: Literal["account_deleted"] = "account_deleted"
    deleted_at: AwareDatetime
    # "requested": by the person; "inactive": no login for the retention period after a warning.
    reason: Literal["requested", "inactive"] = "requested"
    SECRET_FIELDS: ClassVar[tuple[str, ...]] = ()
    # Erased by notification as soon as it is sent or abandoned: the account it is about is gone.
    ERASE_WHEN_DONE: ClassVar[bool] = True


class InactiveAccountWarningV1(BaseModel):
    """No login for three years: the account will be deleted on `delete_on` unless the person logs in."""

    model_config = ConfigDict(frozen=True)

    template: Literal["inactive_account_warning"] = "inactive_account_warning"
    last_login_on: date | None
    delete_on: date
    # The login page.
    link: Link | None = None
    SECRET_FIELDS: ClassVar[tuple[str, ...]] = ()


# --- access management (produced by the habilitation service) ------------------------------
# Names are shown « Prénom Nom ». Only the invitation link carries a token, the others lead to
# pages that ask to log in.


class HabilitationSummaryV1(BaseModel):
    """One habilitation as an e-mail shows it: « Centre agréé pour l'établissement X, jusqu'au JJ/MM/AAAA »."""

    model_config = ConfigDict(frozen=True)

    role_label: str
    establishment_name: str
    siret: Siret
    end_date: date | None = None


class _AccessRequestEmail(BaseModel):
    """To each access manager of the organisation (guide §6.1); `link` opens the request."""

    model_config = ConfigDict(frozen=True)

    service_label: str
    requester_first_name: str
    requester_last_name: str
    requester_email: EmailStr
    organisation_name: str
    establishment_name: str
    siret: Siret
    # When the request was first made (a resend does not change it).
    requested_on: date
    message: str | None = None
    link: Link
    SECRET_FIELDS: ClassVar[tuple[str, ...]] = ()


class AccessRequestReceivedV1(_AccessRequestEmail):
    """« Valider la demande d'accès »: a collaborator asks for access."""

    template: Literal["access_request_received"] = "access_request_received"


class AccessRequestResentV1(_AccessRequestEmail):
    """The requester relaunched a pending request (30 days after the last send)."""

    template: Literal["access_request_resent"] = "access_request_resent"


class AccessGrantedV1(BaseModel):
    """« Vous avez obtenu une nouvelle habilitation d'accès au service numérique CERES » (guide §5.1)."""

    model_config = ConfigDict(frozen=True)

    template: Literal["access_granted"] = "access_granted"
    service_label: str
    habilitations: tuple[HabilitationSummaryV1, ...] = Field(min_length=1)
    # True when the habilitations answer the recipient's access request.
    after_access_request: bool = False
    link: Link
    # « Vous pouvez consulter vos habilitations sur … » (the EFP Connect portal), if given.
    habilitations_link: Link | None = None
    SECRET_FIELDS: ClassVar[tuple[str, ...]] = ()


class AccessRefusedV1(BaseModel):
    """The access managers refused the recipient's access request."""

    model_config = ConfigDict(frozen=True)

    template: Literal["access_refused"] = "access_refused"
    service_label: str
    organisation_name: str
    establishment_name: str
    siret: Siret
    requested_on: date
    reason: str | None = None
    link: Link
    SECRET_FIELDS: ClassVar[tuple[str, ...]] = ()


class _InvitationEmail(BaseModel):
    """A manager invites a person to the service (guide §5, §6.2); `link` is single-use."""

    model_config = ConfigDict(frozen=True)

    service_label: str
    inviter_first_name: str
    inviter_last_name: str
    organisation_name: str
    habilitations: tuple[HabilitationSummaryV1, ...] = Field(min_length=1)
    # False: the invitee completes the prepared account by setting a password (guide §5.2).
    has_account: bool
    valid_for_days: int = 1
    link: Link
    # The link carries the invitation token: the message history must not show it.
    SECRET_FIELDS: ClassVar[tuple[str, ...]] = ("link",)


class InvitationV1(_InvitationEmail):
    """« Invitation à rejoindre le service numérique CERES »."""

    template: Literal["invitation"] = "invitation"


class InvitationResentV1(_InvitationEmail):
    """« Relancer l'invitation »: a new link; the previous one no longer works."""

    template: Literal["invitation_resent"] = "invitation_resent"


class HabilitationEndingSoonV1(BaseModel):
    """The end date is near: to the holder (`audience="holder"`) and to each manager (`"manager"`)."""

    model_config = ConfigDict(frozen=True)

    template: Literal["habilitation_ending_soon"] = "habilitation_ending_soon"
    audience: Literal["holder", "manager"]
    service_label: str
    holder_first_name: str
    holder_last_name: str
    organisation_name: str
    role_label: str
    establishment_name: str
    siret: Siret
    end_date: date
    days_left: int = 7
    # Holder: the service; manager: the holder's page in « Gérer les accès de mon entreprise ».
    link: Link
    SECRET_FIELDS: ClassVar[tuple[str, ...]] = ()


class HabilitationEndedV1(BaseModel):
    """To the holder: a manager withdrew the habilitation (`revoked`) or its end date passed (`expired`)."""

    model_config = ConfigDict(frozen=True)

    template: Literal["habilitation_ended"] = "habilitation_ended"
    kind: Literal["revoked", "expired"]
    service_label: str
    role_label: str
    establishment_name: str
    siret: Siret
    ended_on: date
    reason: str | None = None
    link: Link
    SECRET_FIELDS: ClassVar[tuple[str, ...]] = ()


class ManagerRightGrantedV1(BaseModel):
    """To the new access manager; the charter is to accept at the next login."""

    model_config = ConfigDict(frozen=True)

    template: Literal["manager_right_granted"] = "manager_right_granted"
    service_label: str
    organisation_name: str
    siren: Siren
    granted_by_first_name: str
    granted_by_last_name: str
    granted_on: date
    link: Link
    SECRET_FIELDS: ClassVar[tuple[str, ...]] = ()


class ManagerRightWithdrawnV1(BaseModel):
    """To the former access manager; their habilitations are unchanged."""

    model_config = ConfigDict(frozen=True)

    template: Literal["manager_right_withdrawn"] = "manager_right_withdrawn"
    service_label: str
    organisation_name: str
    siren: Siren
    withdrawn_by_first_name: str
    withdrawn_by_last_name: str
    withdrawn_on: date
    link: Link
    SECRET_FIELDS: ClassVar[tuple[str, ...]] = ()


class ActivationCodeRedeemedV1(BaseModel):
    """Security notice to the organisation's other managers: someone became manager by activation code."""

    model_config = ConfigDict(frozen=True)

    template: Literal["activation_code_redeemed"] = "activation_code_redeemed"
    service_label: str
    organisation_name: str
    siret: Siret
    manager_first_name: str
    manager_last_name: str
    manager_email: EmailStr
    redeemed_on: date
    # The new manager's page in « Gérer les accès de mon entreprise ».
    link: Link
    SECRET_FIELDS: ClassVar[tuple[str, ...]] = ()


EmailContent = Annotated[
    SignupVerificationCodeV1
    | SignupAttemptOnExistingAccountV1
    | AccountCreatedEmailV1
    | PasswordResetCodeV1
    | PasswordChangedEmailV1
    | CodesLockedEmailV1
    | SecondFactorChangedEmailV1
    | EmailChangeCodeV1
    | EmailChangedNoticeV1
    | AccountDeletedEmailV1
    | InactiveAccountWarningV1
    | AccessRequestReceivedV1
    | AccessRequestResentV1
    | AccessGrantedV1
    | AccessRefusedV1
    | InvitationV1
    | InvitationResentV1
    | HabilitationEndingSoonV1
    | HabilitationEndedV1
    | ManagerRightGrantedV1
    | ManagerRightWithdrawnV1
    | ActivationCodeRedeemedV1,
    Field(discriminator="template"),
]


class SendEmailV1(Command):
    """Send one e-mail. The command's message id is the e-mail's idempotency key."""

    MESSAGE_TYPE: ClassVar[str] = "notification.email.send.v1"
    to: EmailStr
    content: EmailContent
    # What the e-mail is about, for the message history.
    account_id: str | None = None
    siren: str | None = None
    # Who asked for it (the client address the gateway saw, or the acting account), for the
    # notification service's per-requester rate budget; absent from older producers. Never shown.
    requester: str | None = None
    # Other accounts whose personal data the body holds (a requester named to the managers, an inviter):
    # when one is deleted, notification erases this e-mail's body too. Absent from older producers.
    mentions: list[str] = Field(default_factory=list)
