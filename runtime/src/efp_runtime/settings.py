"""Settings every service reads from the environment (the names operators and harnesses set)."""

import os
from typing import Literal

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from efp_runtime.key_reuse import refuse_reused_keys
from efp_runtime.placeholders import refuse_placeholders


class RuntimeSettings(BaseSettings):
    """Connection and plumbing settings; each service subclasses it with its own."""

    # hide_input_in_errors: a refused setting's error would otherwise print the values, secrets included.
    model_config = SettingsConfigDict(extra="ignore", frozen=True, hide_input_in_errors=True)

    environment: Literal["development", "test", "production"] = Field(
        "development", validation_alias=AliasChoices("EFP_ENVIRONMENT")
    )
    amqp_url: str = Field("amqp://guest:guest@127.0.0.1:5672/", validation_alias=AliasChoices("AMQP_URL"))
    # retryWrites=false: SecantusDB slows down with retryable writes (ARCHITECTURE.md).
    mongodb_url: str = Field(
        "mongodb://127.0.0.1:27017/?retryWrites=false",
        validation_alias=AliasChoices("MONGODB_URL"),
    )
    log_level: str = Field("INFO", validation_alias=AliasChoices("EFP_LOG_LEVEL"))
    log_format: Literal["json", "text"] = Field("json", validation_alias=AliasChoices("EFP_LOG_FORMAT"))
    # Unacknowledged messages a consumer holds at once: finite, so one slow
    # consumer does not hoard a queue and a crash redelivers a bounded batch.
    prefetch_count: int = Field(32, ge=1, validation_alias=AliasChoices("EFP_PREFETCH_COUNT"))
    # A quorum queue dead-letters a message redelivered this many times (poison message).
    delivery_limit: int = Field(5, ge=1, validation_alias=AliasChoices("EFP_DELIVERY_LIMIT"))
    # Tests only: a file holding seconds to add to the clock (see efp_runtime.clock).
    test_clock_file: str | None = Field(None, validation_alias=AliasChoices("EFP_TEST_CLOCK_FILE"))
    outbox_poll_seconds: float = Field(2.0, gt=0, validation_alias=AliasChoices("EFP_OUTBOX_POLL_SECONDS"))

    @model_validator(mode="after")
    def _no_placeholders_in_production(self) -> "RuntimeSettings":
        # Every service's settings, their own fields included (AMQP and MongoDB URLs carry passwords).
        if self.environment == "production":
            refuse_placeholders(self)
        refuse_reused_keys(self, os.environ)
        return self
