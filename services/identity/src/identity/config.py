"""Identity settings, read from the environment once, in create_app()."""

from urllib.parse import urlsplit

from cryptography.fernet import Fernet
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from efp_runtime.settings import RuntimeSettings
from identity.domain.mailbox import DEFAULT_SHARED_LOCAL_PARTS

# A valid Fernet key that says what it is: local runs work unset, and production refuses it (it holds
# the `change-me` placeholder, efp_runtime.placeholders). Generate real keys with Fernet.generate_key().
DEVELOPMENT_SECOND_FACTOR_KEY = "change-me-second-factor-development-key-000="


class DevClient(BaseModel):
    """A relying party of a local run or a test (`EFP_OIDC_DEV_CLIENTS`), with its secret in clear."""

    model_config = ConfigDict(extra="forbid")

    client_id: str
    client_secret: str = Field(min_length=32)
    name: str
    service: str
    redirect_uris: list[str]
    post_logout_redirect_uris: list[str] = []
    backchannel_logout_uri: str | None = None


class IdentitySettings(RuntimeSettings):
    database: str = Field("identity", validation_alias=AliasChoices("IDENTITY_DATABASE"))
    # Where the links in e-mails lead (the frontend), as in habilitation.
    frontend_url: str = Field("https://efpconnect.emploi.gouv.fr", validation_alias=AliasChoices("EFP_FRONTEND_URL"))
    # Key of the HMAC that stores codes and captcha answers (>= 32 bytes); from the environment.
    secret_key: SecretStr = Field(validation_alias=AliasChoices("IDENTITY_SECRET_KEY"))
    # Role addresses refused as a login (comma-separated local parts), see domain/mailbox.py.
    shared_mailboxes: str = Field(
        ",".join(DEFAULT_SHARED_LOCAL_PARTS), validation_alias=AliasChoices("IDENTITY_SHARED_MAILBOXES")
    )
    # When set, an agent account with these credentials exists after start-up (created if missing).
    bootstrap_agent_email: str | None = Field(None, validation_alias=AliasChoices("EFP_BOOTSTRAP_AGENT_EMAIL"))
    bootstrap_agent_password: SecretStr | None = Field(
        None, validation_alias=AliasChoices("EFP_BOOTSTRAP_AGENT_PASSWORD")
    )
    resend_cooldown_seconds: float = Field(
        60.0, ge=0, validation_alias=AliasChoices("IDENTITY_RESEND_COOLDOWN_SECONDS")
    )
    # DOMAIN.md (ProConnect): 60 requests a minute per IP, 10 password attempts per 5 minutes per address.
    login_per_ip_per_minute: int = Field(60, ge=1, validation_alias=AliasChoices("IDENTITY_LOGIN_PER_IP_PER_MINUTE"))
    login_per_address_per_5_minutes: int = Field(
        10, ge=1, validation_alias=AliasChoices("IDENTITY_LOGIN_PER_ADDRESS_PER_5_MINUTES")
    )
    # Captchas cost a drawing or a speech and need no login: per client address, a minute's budget.
    captcha_creations_per_ip_per_minute: int = Field(
        30, ge=1, validation_alias=AliasChoices("IDENTITY_CAPTCHA_CREATIONS_PER_IP_PER_MINUTE")
    )
    captcha_media_per_ip_per_minute: int = Field(
        120, ge=1, validation_alias=AliasChoices("IDENTITY_CAPTCHA_MEDIA_PER_IP_PER_MINUTE")
    )
    sweep_seconds: float = Field(30.0, gt=0, validation_alias=AliasChoices("IDENTITY_SWEEP_SECONDS"))
    # Retention (README « Retention »): closed or expired sessions and their IP addresses, in days.
    session_retention_days: int = Field(183, ge=1, validation_alias=AliasChoices("IDENTITY_SESSION_RETENTION_DAYS"))
    # Accounts without a login this long are warned, then deleted after the notice (domain.privacy).
    inactive_account_days: int = Field(1095, ge=1, validation_alias=AliasChoices("IDENTITY_INACTIVE_ACCOUNT_DAYS"))
    inactive_notice_days: int = Field(30, ge=1, validation_alias=AliasChoices("IDENTITY_INACTIVE_NOTICE_DAYS"))
    # How long a request to habilitation (an account deletion's blockers) may take.
    rpc_timeout_seconds: float = Field(5.0, gt=0, validation_alias=AliasChoices("IDENTITY_RPC_TIMEOUT_SECONDS"))
    espeak_executable: str = Field("espeak-ng", validation_alias=AliasChoices("IDENTITY_ESPEAK"))
    # Test harnesses only: every captcha also accepts this answer. Refused in production.
    captcha_test_answer: str | None = Field(None, validation_alias=AliasChoices("EFP_CAPTCHA_TEST_ANSWER"))

    # The OpenID Connect issuer: the web pages' public address (where sign-in happens).
    oidc_issuer: str | None = Field(None, validation_alias=AliasChoices("EFP_OIDC_ISSUER"))
    # Local runs and tests only: relying parties registered at start-up (a JSON list, see README).
    oidc_dev_clients: list[DevClient] = Field([], validation_alias=AliasChoices("EFP_OIDC_DEV_CLIENTS"))
    # How often ended sessions are checked for relying parties to tell (a logout here wakes it at once).
    backchannel_poll_seconds: float = Field(
        5.0, gt=0, validation_alias=AliasChoices("IDENTITY_BACKCHANNEL_POLL_SECONDS")
    )

    # Fernet keys sealing the TOTP secrets at rest, comma-separated: the first seals, all open (rotation).
    second_factor_keys: SecretStr = Field(
        SecretStr(DEVELOPMENT_SECOND_FACTOR_KEY), validation_alias=AliasChoices("IDENTITY_SECOND_FACTOR_KEYS")
    )
    # Passkeys (WebAuthn): the relying party id (a host), the origins pages may sign from, the name shown.
    # Defaults: the frontend URL's host and origin.
    webauthn_rp_id: str | None = Field(None, validation_alias=AliasChoices("IDENTITY_WEBAUTHN_RP_ID"))
    webauthn_origins: str | None = Field(None, validation_alias=AliasChoices("IDENTITY_WEBAUTHN_ORIGINS"))
    webauthn_rp_name: str = Field("EFP Connect", validation_alias=AliasChoices("IDENTITY_WEBAUTHN_RP_NAME"))

    @field_validator("second_factor_keys")
    @classmethod
    def _fernet_keys(cls, value: SecretStr) -> SecretStr:
        keys = [k.strip() for k in value.get_secret_value().split(",") if k.strip()]
        if not keys:
            raise ValueError("IDENTITY_SECOND_FACTOR_KEYS needs at least one Fernet key")
        for key in keys:
            try:
                Fernet(key.encode())
            except ValueError as error:
                raise ValueError(
                    "IDENTITY_SECOND_FACTOR_KEYS: each key must be a Fernet key (32 bytes, URL-safe base64)"
                ) from error
        return value

    @model_validator(mode="after")
    def _no_test_hooks_in_production(self) -> "IdentitySettings":
        # Even an empty value: production configuration must not mention the hook at all.
        if self.environment == "production" and self.captcha_test_answer is not None:
            raise ValueError("EFP_CAPTCHA_TEST_ANSWER must not be set when EFP_ENVIRONMENT=production")
        if self.environment == "production" and self.oidc_dev_clients:
            raise ValueError("EFP_OIDC_DEV_CLIENTS must not be set when EFP_ENVIRONMENT=production")
        return self

    def issuer(self) -> str:
        return (self.oidc_issuer or self.frontend_url).rstrip("/")

    def second_factor_key_list(self) -> list[str]:
        return [k.strip() for k in self.second_factor_keys.get_secret_value().split(",") if k.strip()]

    def webauthn_rp(self) -> str:
        return self.webauthn_rp_id or urlsplit(self.frontend_url).hostname or "localhost"

    def webauthn_origin_list(self) -> list[str]:
        if self.webauthn_origins:
            return [o.strip().rstrip("/") for o in self.webauthn_origins.split(",") if o.strip()]
        url = urlsplit(self.frontend_url)
        return [f"{url.scheme}://{url.netloc}"]

    def shared_mailbox_local_parts(self) -> tuple[str, ...]:
        return tuple(part.strip().lower() for part in self.shared_mailboxes.split(",") if part.strip())
