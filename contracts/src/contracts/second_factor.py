"""Identity service: the second factor — TOTP, passkeys (WebAuthn) and single-use recovery codes.

A person enrols factors from « Mon compte ». Once one is enrolled, a login is two steps: the password
opens a *pending* session (`SessionOpenedV1.second_factor_pending`), which opens nothing else, and
`ProveSecondFactorV1` completes it into a new session (a new token: ids change when privileges do).
On an active session the same request is the step-up: it renews `second_factor_at`, which the
habilitation service asks to be fresh (15 minutes) before the gravest acts.

Every request here names the session it acts for by its token, so all go to the credentials queue.
WebAuthn options and credentials travel as the JSON text the browser API reads and writes
(`PublicKeyCredential.parseCreationOptionsFromJSON`, `credential.toJSON()`), not re-modelled here.
"""

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.accounts import SessionOpenedV1
from contracts.rpc import Request, SessionChange

# RFC 8176 authentication method references, as the ID token's `amr` and the session say them.
AMR_PASSWORD = "pwd"  # noqa: S105 (an amr value, not a secret)
AMR_OTP = "otp"  # a TOTP code or a recovery code
AMR_HARDWARE_KEY = "hwk"  # a passkey
AMR_MULTIPLE = "mfa"  # added whenever a second factor was used
SECOND_FACTOR_AMR = frozenset({AMR_OTP, AMR_HARDWARE_KEY})
# The freshness that step-up asks of `second_factor_at`.
STEP_UP_MAX_AGE_SECONDS = 15 * 60

Method = Literal["totp", "passkey", "recovery_code"]


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True)


class PasskeyV1(_Result):
    id: str
    name: str
    created_at: datetime
    last_used_at: datetime | None = None


class SecondFactorStatusV1(_Result):
    """What « Mon compte » shows: which factors the account has, never their secrets."""

    totp: bool
    passkeys: list[PasskeyV1]
    recovery_codes_left: int
    # True when at least one factor (TOTP or a passkey) is enrolled: logins then take two steps.
    enrolled: bool


class GetSecondFactorStatusV1(Request[SecondFactorStatusV1]):
    MESSAGE_TYPE: ClassVar[str] = "identity.get_second_factor_status.v1"
    CARRIES_SECRET: ClassVar[bool] = True
    kind: Literal["identity.get_second_factor_status.v1"] = "identity.get_second_factor_status.v1"
    session_token: str


class TotpEnrolmentV1(_Result):
    """A new TOTP secret, not active until a code computed from it is confirmed."""

    secret: str  # base32, for manual entry
    otpauth_uri: str  # otpauth://totp/..., for the QR code


class StartTotpEnrolmentV1(Request[TotpEnrolmentV1]):
    MESSAGE_TYPE: ClassVar[str] = "identity.start_totp_enrolment.v1"
    CARRIES_SECRET: ClassVar[bool] = True
    kind: Literal["identity.start_totp_enrolment.v1"] = "identity.start_totp_enrolment.v1"
    session_token: str


class EnrolledV1(_Result):
    # Ten new single-use recovery codes when this was the account's first factor (shown once), else empty.
    recovery_codes: list[str] = Field(default_factory=list)


class ConfirmTotpEnrolmentV1(Request[EnrolledV1]):
    MESSAGE_TYPE: ClassVar[str] = "identity.confirm_totp_enrolment.v1"
    CHANGES_SESSIONS: ClassVar[SessionChange] = "account"
    CARRIES_SECRET: ClassVar[bool] = True
    kind: Literal["identity.confirm_totp_enrolment.v1"] = "identity.confirm_totp_enrolment.v1"
    session_token: str
    code: str


class RemoveTotpV1(Request[SecondFactorStatusV1]):
    MESSAGE_TYPE: ClassVar[str] = "identity.remove_totp.v1"
    CHANGES_SESSIONS: ClassVar[SessionChange] = "account"
    CARRIES_SECRET: ClassVar[bool] = True
    kind: Literal["identity.remove_totp.v1"] = "identity.remove_totp.v1"
    session_token: str


class PasskeyOptionsV1(_Result):
    # The JSON text of PublicKeyCredentialCreationOptions (registration) or ...RequestOptions (login).
    options: str


class StartPasskeyRegistrationV1(Request[PasskeyOptionsV1]):
    MESSAGE_TYPE: ClassVar[str] = "identity.start_passkey_registration.v1"
    CARRIES_SECRET: ClassVar[bool] = True
    kind: Literal["identity.start_passkey_registration.v1"] = "identity.start_passkey_registration.v1"
    session_token: str


class FinishPasskeyRegistrationV1(Request[EnrolledV1]):
    MESSAGE_TYPE: ClassVar[str] = "identity.finish_passkey_registration.v1"
    CHANGES_SESSIONS: ClassVar[SessionChange] = "account"
    CARRIES_SECRET: ClassVar[bool] = True
    kind: Literal["identity.finish_passkey_registration.v1"] = "identity.finish_passkey_registration.v1"
    session_token: str
    name: str
    # The JSON text of the browser's PublicKeyCredential (`credential.toJSON()`).
    credential: str


class RemovePasskeyV1(Request[SecondFactorStatusV1]):
    MESSAGE_TYPE: ClassVar[str] = "identity.remove_passkey.v1"
    CHANGES_SESSIONS: ClassVar[SessionChange] = "account"
    CARRIES_SECRET: ClassVar[bool] = True
    kind: Literal["identity.remove_passkey.v1"] = "identity.remove_passkey.v1"
    session_token: str
    passkey_id: str


class RecoveryCodesV1(_Result):
    recovery_codes: list[str]


class RegenerateRecoveryCodesV1(Request[RecoveryCodesV1]):
    """Ten new codes; the old ones stop working. Needs a fresh second factor."""

    MESSAGE_TYPE: ClassVar[str] = "identity.regenerate_recovery_codes.v1"
    CARRIES_SECRET: ClassVar[bool] = True
    kind: Literal["identity.regenerate_recovery_codes.v1"] = "identity.regenerate_recovery_codes.v1"
    session_token: str


class StartSecondFactorChallengeV1(Request[PasskeyOptionsV1]):
    """Passkey request options for a pending login or a step-up (the challenge is kept on the session)."""

    MESSAGE_TYPE: ClassVar[str] = "identity.start_second_factor_challenge.v1"
    CARRIES_SECRET: ClassVar[bool] = True
    kind: Literal["identity.start_second_factor_challenge.v1"] = "identity.start_second_factor_challenge.v1"
    session_token: str
    # A pending session is refused by AuthenticateSessionV1, so identity checks its CSRF token itself.
    csrf_token: str


class ProveSecondFactorV1(Request[SessionOpenedV1]):
    """The login's second step (pending session) or a step-up (active session): a new session either way."""

    MESSAGE_TYPE: ClassVar[str] = "identity.prove_second_factor.v1"
    CHANGES_SESSIONS: ClassVar[SessionChange] = "this"
    CARRIES_SECRET: ClassVar[bool] = True
    kind: Literal["identity.prove_second_factor.v1"] = "identity.prove_second_factor.v1"
    session_token: str
    csrf_token: str
    method: Method
    # `totp` and `recovery_code`: the code typed; `passkey`: the credential's JSON text.
    code: str | None = None
    credential: str | None = None
    client_ip: str | None = None
