"""Notification settings: SMTP server and sender, read from the environment once."""

from urllib.parse import unquote, urlsplit

from pydantic import AliasChoices, Field, SecretStr

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
    mail_from: str = Field("no-reply@emploi.gouv.fr", validation_alias=AliasChoices("EFP_MAIL_FROM"))
    mail_from_name: str = Field("EFP Connect", validation_alias=AliasChoices("EFP_MAIL_FROM_NAME"))

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
