"""Web service settings, read from the environment once (in create_app)."""

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class WebSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", hide_input_in_errors=True)

    environment: str = Field("development", validation_alias=AliasChoices("EFP_ENVIRONMENT"))
    host: str = Field("127.0.0.1", validation_alias=AliasChoices("WEB_HOST"))
    port: int = Field(8080, validation_alias=AliasChoices("WEB_PORT"))
    # The address people type: the Origin every form must come from (and later the OIDC issuer).
    public_url: str | None = Field(None, validation_alias=AliasChoices("WEB_PUBLIC_URL", "EFP_FRONTEND_URL"))
    gateway_url: str = Field("http://127.0.0.1:8000", validation_alias=AliasChoices("WEB_GATEWAY_URL"))
    # Where relying parties reach the gateway's OpenID Connect endpoints (token, userinfo, JWKS):
    # its public address, which the discovery document gives. Default: `gateway_url`.
    gateway_public_url: str | None = Field(None, validation_alias=AliasChoices("WEB_GATEWAY_PUBLIC_URL"))
    gateway_timeout_seconds: float = Field(10.0, gt=0, validation_alias=AliasChoices("WEB_GATEWAY_TIMEOUT_SECONDS"))
    mongodb_url: str = Field("mongodb://127.0.0.1:27017/", validation_alias=AliasChoices("MONGODB_URL"))
    database: str = Field("web", validation_alias=AliasChoices("WEB_DATABASE"))
    # Secure cookies need HTTPS: on in production, off for local runs and tests unless forced.
    cookie_secure: bool | None = Field(None, validation_alias=AliasChoices("WEB_COOKIE_SECURE"))
    # The web session outlives no gateway session: same idle limit (30 min) and absolute limit (12 h).
    session_idle_seconds: int = Field(30 * 60, gt=0, validation_alias=AliasChoices("WEB_SESSION_IDLE_SECONDS"))
    session_absolute_seconds: int = Field(
        12 * 3600, gt=0, validation_alias=AliasChoices("WEB_SESSION_ABSOLUTE_SECONDS")
    )
    log_level: str = Field("INFO", validation_alias=AliasChoices("EFP_LOG_LEVEL"))
    # Only a proxy in front (addresses or networks) may say whose request it is: that address is
    # what the gateway's per-address limits and captchas count.
    forwarded_allow_ips: str = Field("127.0.0.1", validation_alias=AliasChoices("WEB_FORWARDED_ALLOW_IPS"))

    @model_validator(mode="after")
    def _no_placeholder_in_production(self) -> "WebSettings":
        # The web service's one secret is its store password, in MONGODB_URL (see efp_runtime.placeholders).
        if self.environment == "production" and "change-me" in self.mongodb_url.lower():
            raise ValueError("placeholder value from .env.example ('change-me…') in MONGODB_URL")
        return self

    def secure_cookies(self) -> bool:
        if self.cookie_secure is not None:
            return self.cookie_secure
        return self.environment == "production"

    def gateway_public_origin(self) -> str:
        return (self.gateway_public_url or self.gateway_url).rstrip("/")

    def origin(self) -> str:
        base = self.public_url or f"http://{self.host}:{self.port}"
        return base.rstrip("/")
