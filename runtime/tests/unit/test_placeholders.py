"""Production settings with a `change-me…` placeholder of .env.example are refused at start-up."""

import pytest
from pydantic import AliasChoices, Field, SecretStr, ValidationError

from efp_runtime.placeholders import placeholders_in
from efp_runtime.settings import RuntimeSettings

pytestmark = pytest.mark.unit


class Settings(RuntimeSettings):
    secret_key: SecretStr = Field(SecretStr("x" * 32), validation_alias=AliasChoices("SOME_SECRET_KEY"))


def test_placeholders_are_named_by_their_variable_whatever_the_field_type() -> None:
    settings = Settings(
        AMQP_URL="amqp://identity:change-me-identity-broker-password@rabbitmq:5672/",
        SOME_SECRET_KEY="Change-Me-generate-at-least-32-bytes",
    )

    assert placeholders_in(settings) == ["AMQP_URL", "SOME_SECRET_KEY"]


def test_production_refuses_them_without_printing_the_values() -> None:
    with pytest.raises(ValidationError) as refused:
        Settings(EFP_ENVIRONMENT="production", SOME_SECRET_KEY="change-me-generate-at-least-32-bytes")

    assert "SOME_SECRET_KEY" in str(refused.value)
    assert "generate-at-least" not in str(refused.value)


def test_other_environments_and_real_secrets_start() -> None:
    assert Settings(SOME_SECRET_KEY="change-me-generate-at-least-32-bytes").environment == "development"
    assert Settings(EFP_ENVIRONMENT="production", SOME_SECRET_KEY="s" * 40).environment == "production"
