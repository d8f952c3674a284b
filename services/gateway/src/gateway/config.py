"""Gateway settings, read from the environment once."""

from pydantic import AliasChoices, Field, SecretStr

from efp_runtime.settings import RuntimeSettings


class GatewaySettings(RuntimeSettings):
    host: str = Field("127.0.0.1", validation_alias=AliasChoices("GATEWAY_HOST"))
    port: int = Field(8000, validation_alias=AliasChoices("GATEWAY_PORT"))
    # How long a request waits for a service before answering 503.
    rpc_timeout_seconds: float = Field(5.0, gt=0, validation_alias=AliasChoices("GATEWAY_RPC_TIMEOUT_SECONDS"))
    # How long the authorization copy waits for each page of habilitation's snapshot (5,000 habilitations): a
    # bulk read, far longer than a person's request on a large or slow store (~10 s a page at 100k on SecantusDB).
    snapshot_timeout_seconds: float = Field(
        120.0, gt=0, validation_alias=AliasChoices("GATEWAY_SNAPSHOT_TIMEOUT_SECONDS")
    )
    # How long the gateway keeps identity's answer for a session cookie (session_cache): dropped sooner when
    # identity says the session changed. 0: ask identity on every request.
    session_cache_seconds: float = Field(
        15.0, ge=0, le=60, validation_alias=AliasChoices("GATEWAY_SESSION_CACHE_SECONDS")
    )
    # Secure cookies need HTTPS: on by default, off only for local development and tests.
    cookie_secure: bool | None = Field(None, validation_alias=AliasChoices("GATEWAY_COOKIE_SECURE"))
    # Larger bodies are refused before they are read (413).
    max_body_bytes: int = Field(64 * 1024, gt=0, validation_alias=AliasChoices("GATEWAY_MAX_BODY_BYTES"))
    # Keys of the other ministry systems for /api/v1/authorizations/check, comma-separated; none: all refused.
    service_api_keys: SecretStr = Field(SecretStr(""), validation_alias=AliasChoices("EFP_SERVICE_API_KEYS"))
    # Peers whose X-Forwarded-For / X-Forwarded-Proto are believed (the web frontend, a reverse proxy):
    # comma-separated IPs or networks, "*" for any. From anyone else the TCP peer is the client address.
    forwarded_allow_ips: str = Field("127.0.0.1", validation_alias=AliasChoices("GATEWAY_FORWARDED_ALLOW_IPS"))
    # /docs, /redoc, /openapi.json and /asyncapi.json describe the internals: served outside production,
    # in production only when set to true.
    public_docs: bool | None = Field(None, validation_alias=AliasChoices("GATEWAY_PUBLIC_DOCS"))
    # /metrics on the API port, likewise. When off, EFP_METRICS_PORT (if set) serves them apart, on the
    # internal network, as the workers do: the proxy publishes the API port, not that one.
    metrics_public: bool | None = Field(None, validation_alias=AliasChoices("GATEWAY_METRICS_PUBLIC"))

    def secure_cookies(self) -> bool:
        if self.cookie_secure is not None:
            return self.cookie_secure
        return self.environment == "production"

    def docs_served(self) -> bool:
        return self.public_docs if self.public_docs is not None else self.environment != "production"

    def metrics_on_api_port(self) -> bool:
        return self.metrics_public if self.metrics_public is not None else self.environment != "production"
