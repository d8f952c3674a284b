"""Identity service: RPC requests and replies, and the public events it publishes."""

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from contracts.base import Event
from contracts.rpc import Request


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True)


# --- captcha -------------------------------------------------------------------------


class CaptchaCreatedV1(_Result):
    captcha_id: str
    expires_at: datetime


class CreateCaptchaV1(Request[CaptchaCreatedV1]):
    MESSAGE_TYPE: ClassVar[str] = "identity.create_captcha.v1"
    kind: Literal["identity.create_captcha.v1"] = "identity.create_captcha.v1"
    # Added with per-address limits: the address the gateway saw (None from older callers: not counted).
    client_ip: str | None = None


class CaptchaMediaV1(_Result):
    """An image or audio rendering of a captcha, base64-encoded for the JSON wire."""

    media_type: str
    content_base64: str


class GetCaptchaImageV1(Request[CaptchaMediaV1]):
    MESSAGE_TYPE: ClassVar[str] = "identity.get_captcha_image.v1"
    kind: Literal["identity.get_captcha_image.v1"] = "identity.get_captcha_image.v1"
    captcha_id: str
    # Added with per-address limits, as in CreateCaptchaV1.
    client_ip: str | None = None


class GetCaptchaAudioV1(Request[CaptchaMediaV1]):
    """The audio alternative: the characters spoken in French."""

    MESSAGE_TYPE: ClassVar[str] = "identity.get_captcha_audio.v1"
    kind: Literal["identity.get_captcha_audio.v1"] = "identity.get_captcha_audio.v1"
    captcha_id: str
    # Added with per-address limits, as in CreateCaptchaV1.
    client_ip: str | None = None


# --- registration (sign-up) ----------------------------------------------------------


class RegistrationStepV1(_Result):
    registration_id: str
    step: str


class StartRegistrationV1(Request[RegistrationStepV1]):
    """Step 1 of sign-up: an e-mail address and a solved captcha."""

    MESSAGE_TYPE: ClassVar[str] = "identity.start_registration.v1"
    kind: Literal["identity.start_registration.v1"] = "identity.start_registration.v1"
    email: str
    captcha_id: str
    captcha_answer: str
    # The address the gateway saw: the code e-mail's requester (notification's per-requester budget).
    client_ip: str | None = None


class VerifyRegistrationCodeV1(Request[RegistrationStepV1]):
    """Step 2 of sign-up: the 6-digit code received by e-mail."""

    MESSAGE_TYPE: ClassVar[str] = "identity.verify_registration_code.v1"
    kind: Literal["identity.verify_registration_code.v1"] = "identity.verify_registration_code.v1"
    registration_id: str
    code: str


# --- public events (never a code, token or password) ---------------------------------


class RegistrationStartedV1(Event):
    MESSAGE_TYPE: ClassVar[str] = "identity.registration.started.v1"
    registration_id: str
    expires_at: datetime


class RegistrationEmailVerifiedV1(Event):
    MESSAGE_TYPE: ClassVar[str] = "identity.registration.email_verified.v1"
    registration_id: str
