"""Where the local system listens and keeps its data. AMQP_URL, MONGODB_URL and SMTP_URL win:
when one is set, the launcher uses that server instead of starting its own."""

from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class DevstackSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore")

    data_dir: Path = Field(Path(".devstack/data"), validation_alias=AliasChoices("EFP_DATA_DIR"))
    amqp_port: int = Field(5672, validation_alias=AliasChoices("EFP_AMQP_PORT"))
    management_port: int = Field(15672, validation_alias=AliasChoices("EFP_MANAGEMENT_PORT"))
    mongodb_port: int = Field(27017, validation_alias=AliasChoices("EFP_MONGODB_PORT"))
    smtp_port: int = Field(1025, validation_alias=AliasChoices("EFP_SMTP_PORT"))
    mail_ui_port: int = Field(1080, validation_alias=AliasChoices("EFP_MAIL_UI_PORT"))
    gateway_port: int = Field(8000, validation_alias=AliasChoices("GATEWAY_PORT"))
    web_port: int = Field(8080, validation_alias=AliasChoices("WEB_PORT"))
    # identity, habilitation and notification serve /metrics on this port and the next two.
    metrics_port: int = Field(9101, validation_alias=AliasChoices("EFP_METRICS_BASE_PORT"))
    # The CERES example relying party (examples/ceres), registered as a dev client of EFP Connect.
    ceres_port: int = Field(8090, validation_alias=AliasChoices("CERES_PORT"))
    amqp_url: str | None = Field(None, validation_alias=AliasChoices("AMQP_URL"))
    mongodb_url: str | None = Field(None, validation_alias=AliasChoices("MONGODB_URL"))
    smtp_url: str | None = Field(None, validation_alias=AliasChoices("SMTP_URL"))
