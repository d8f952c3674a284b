"""Notification settings: SMTP server and sender, retries and limits, read from the environment once."""

from urllib.parse import unquote, urlsplit

from pydantic import AliasChoices, Field, SecretStr, model_validator

from efp_runtime.settings import RuntimeSettings


class NotificationSettings(RuntimeSettings):
    database: str = Field("notification", validation_alias=AliasChoices("NOTIFICATION_DATABASE"))
    # smtp://host:port (STARTTLS if SMTP_STARTTLS=true) or smtps://host:port (implicit TLS);
    # credentials may be in the URL or, better, in SMTP_USERNAME / SMTP_PASSWORD.
    smtp_url: str = Field("smtp://127.0.0.1:1025", validation_alias=AliasChoices("SMTP_URL"))
    smtp_starttls: bool = Field(False, validation_alias=AliasChoices("SMTP_STARTTLS"))
    smtp_username: str | None = Field(None, validation_alias=AliasChoices("SMTP_USERNAME"))
    smtp_password: SecretStr | None = Field(None, validation_alias=AliasChoices("SMTP_PASSWORD"))
    smtp_timeout_seconds: float = Field(30.0, gt=0, validation_alias=AliasChoices("SMTP_TIMEOUT_SECONDS"))
    # Persistent SMTP connections shared by concurrent sends, each replaced after max age.
    smtp_pool_size: int = Field(8, ge=1, validation_alias=AliasChoices("NOTIFICATION_SMTP_POOL_SIZE"))
    smtp_max_age_seconds: float = Field(
        300.0, gt=0, validation_alias=AliasChoices("NOTIFICATION_SMTP_CONNECTION_MAX_AGE_SECONDS")
    )
    # Send-e-mail commands handled at once (the consumer's prefetch on its own channel). Higher
    # than EFP_PREFETCH_COUNT: writes are grouped (group commit) and SMTP connections pooled, so
    # a burst goes faster with more e-mails in flight; a crash redelivers at most this many.
    commands_prefetch: int = Field(256, ge=1, validation_alias=AliasChoices("NOTIFICATION_COMMANDS_PREFETCH"))
    # The only site e-mails may link to, on the pages of domain.link_policy (None: links unchecked,
    # for harnesses that send made-up links; compose and devstack set it).
    frontend_url: str | None = Field(None, validation_alias=AliasChoices("EFP_FRONTEND_URL"))
    # The home pages of the digital services of habilitation's catalogue, which access e-mails link to
    # (comma-separated; tests/architecture checks the catalogue's are all here).
    service_urls: str = Field(
        "https://ceres.emploi.gouv.fr", validation_alias=AliasChoices("NOTIFICATION_SERVICE_URLS")
    )

    def service_url_list(self) -> tuple[str, ...]:
        return tuple(url.strip() for url in self.service_urls.split(",") if url.strip())

    mail_from: str = Field("no-reply@emploi.gouv.fr", validation_alias=AliasChoices("EFP_MAIL_FROM"))
    mail_from_name: str = Field("EFP Connect", validation_alias=AliasChoices("EFP_MAIL_FROM_NAME"))
    # SMTP attempts per e-mail, the first included: 7 = at once, then after 1, 2, 4, 8, 16, 32 min.
    max_attempts: int = Field(7, ge=1, validation_alias=AliasChoices("NOTIFICATION_MAX_ATTEMPTS"))
    backoff_base_seconds: float = Field(60.0, gt=0, validation_alias=AliasChoices("NOTIFICATION_BACKOFF_BASE_SECONDS"))
    backoff_factor: float = Field(2.0, ge=1, validation_alias=AliasChoices("NOTIFICATION_BACKOFF_FACTOR"))
    backoff_jitter: float = Field(0.2, ge=0, lt=1, validation_alias=AliasChoices("NOTIFICATION_BACKOFF_JITTER"))
    # Against mail floods, per family of e-mails (sign-up, password reset, others; security notices
    # are never limited): at most this many to one address, and this many asked by one requester
    # (for commands that name theirs), per window. 0 switches a limit off.
    rate_limit_per_recipient: int = Field(
        20, ge=0, validation_alias=AliasChoices("NOTIFICATION_RATE_LIMIT_PER_RECIPIENT")
    )
    rate_limit_per_requester: int = Field(
        100, ge=0, validation_alias=AliasChoices("NOTIFICATION_RATE_LIMIT_PER_REQUESTER")
    )
    rate_limit_window_seconds: float = Field(
        3600.0, gt=0, validation_alias=AliasChoices("NOTIFICATION_RATE_LIMIT_WINDOW_SECONDS")
    )
    # An e-mail over a limit waits (through the delay queues) for room; abandoned after this long.
    rate_limit_max_wait_seconds: float = Field(
        86400.0, gt=0, validation_alias=AliasChoices("NOTIFICATION_RATE_LIMIT_MAX_WAIT_SECONDS")
    )
    # An e-mail found `sending` for less than this may be in another consumer's hands: postponed.
    # Beyond it, the attempt is taken as interrupted and the e-mail is sent again.
    sending_lease_seconds: float = Field(
        120.0, gt=0, validation_alias=AliasChoices("NOTIFICATION_SENDING_LEASE_SECONDS")
    )
    # Retention of the e-mails kept (done ones, by age): bodies erased after a year, the address, subject,
    # dates and states kept; the whole e-mail deleted after three years. Swept every `sweep_seconds`.
    body_retention_days: int = Field(365, ge=1, validation_alias=AliasChoices("NOTIFICATION_BODY_RETENTION_DAYS"))
    metadata_retention_days: int = Field(
        1095, ge=1, validation_alias=AliasChoices("NOTIFICATION_METADATA_RETENTION_DAYS")
    )
    sweep_seconds: float = Field(300.0, gt=0, validation_alias=AliasChoices("NOTIFICATION_SWEEP_SECONDS"))

    # Test harnesses only: exit right after an e-mail is saved `sent` (before the broker ack),
    # or right after the SMTP server accepted one (before it is saved). Refused in production.
    test_crash_after_send: bool | None = Field(
        None, validation_alias=AliasChoices("NOTIFICATION_TEST_CRASH_AFTER_SEND")
    )
    test_crash_after_smtp_accept: bool | None = Field(
        None, validation_alias=AliasChoices("NOTIFICATION_TEST_CRASH_AFTER_SMTP_ACCEPT")
    )

    @model_validator(mode="after")
    def _bodies_go_before_the_rest(self) -> "NotificationSettings":
        if self.metadata_retention_days < self.body_retention_days:
            raise ValueError("NOTIFICATION_METADATA_RETENTION_DAYS must not be below NOTIFICATION_BODY_RETENTION_DAYS")
        return self

    @model_validator(mode="after")
    def _no_test_hooks_in_production(self) -> "NotificationSettings":
        # Even a false value: production configuration must not mention the fail points at all.
        if self.environment == "production":
            for name, value in (
                ("NOTIFICATION_TEST_CRASH_AFTER_SEND", self.test_crash_after_send),
                ("NOTIFICATION_TEST_CRASH_AFTER_SMTP_ACCEPT", self.test_crash_after_smtp_accept),
            ):
                if value is not None:
                    raise ValueError(f"{name} must not be set when EFP_ENVIRONMENT=production")
        return self

    def smtp_endpoint(self) -> tuple[str, int, bool, str | None, str | None]:
        """(host, port, implicit TLS, username, password) from SMTP_URL and the overrides."""
        url = urlsplit(self.smtp_url)
        if url.scheme not in ("smtp", "smtps") or not url.hostname:
            raise ValueError(f"SMTP_URL must look like smtp://host:port, not {self.smtp_url!r}")
        implicit_tls = url.scheme == "smtps"
        port = url.port or (465 if implicit_tls else 25)
        username = self.smtp_username or (unquote(url.username) if url.username else None)
        password = self.smtp_password.get_secret_value() if self.smtp_password else None
        password = password or (unquote(url.password) if url.password else None)
        return url.hostname, port, implicit_tls, username, password
