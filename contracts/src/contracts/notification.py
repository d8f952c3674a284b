"""Notification service: the private command that asks for an e-mail, and its contents."""

from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from contracts.base import Command
from contracts.rpc import PingV1


class SignupVerificationCodeV1(BaseModel):
    """« Validation de votre compte EFP CONNECT »: the 6-digit code of sign-up step 2."""

    model_config = ConfigDict(frozen=True)

    template: Literal["signup_verification_code"] = "signup_verification_code"
    code: str = Field(pattern=r"^\d{6}$")
    valid_for_hours: int = 1

    # Fields masked in the stored copy of the e-mail (message history shows no secrets).
    SECRET_FIELDS: ClassVar[tuple[str, ...]] = ("code",)


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
    SECRET_FIELDS: ClassVar[tuple[str, ...]] = ()


class PasswordResetCodeV1(BaseModel):
    """Guide §5.2: the single-use reset code, valid 24 hours."""

    model_config = ConfigDict(frozen=True)

    template: Literal["password_reset_code"] = "password_reset_code"
    code: str = Field(pattern=r"^\d{6}$")
    valid_for_hours: int = 24
    SECRET_FIELDS: ClassVar[tuple[str, ...]] = ("code",)


class PasswordChangedEmailV1(BaseModel):
    """« Votre mot de passe a été modifié »."""

    model_config = ConfigDict(frozen=True)

    template: Literal["password_changed"] = "password_changed"
    SECRET_FIELDS: ClassVar[tuple[str, ...]] = ()


EmailContent = Annotated[
    SignupVerificationCodeV1
    | SignupAttemptOnExistingAccountV1
    | AccountCreatedEmailV1
    | PasswordResetCodeV1
    | PasswordChangedEmailV1,
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


# A discriminated union once there is more than one request.
NotificationRequest = PingV1
