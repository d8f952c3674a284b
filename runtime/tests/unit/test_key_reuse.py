"""A service whose HMAC key is also another service's refuses to start (issue 14, low item)."""

import pytest
from pydantic import AliasChoices, Field, SecretStr, ValidationError

from efp_runtime.key_reuse import reused_keys
from efp_runtime.settings import RuntimeSettings

pytestmark = pytest.mark.unit
KEY = "k3y-of-the-identity-service-0123456789abcdef"


class Settings(RuntimeSettings):
    secret_key: SecretStr = Field(SecretStr("x" * 32), validation_alias=AliasChoices("IDENTITY_SECRET_KEY"))


def test_the_other_services_keys_are_compared_with_this_ones() -> None:
    settings = Settings(IDENTITY_SECRET_KEY=KEY)

    environ = {"IDENTITY_SECRET_KEY": KEY, "HABILITATION_SECRET_KEY": KEY, "AMQP_PASSWORD": KEY}
    assert reused_keys(settings, environ) == ["IDENTITY_SECRET_KEY=HABILITATION_SECRET_KEY"]
    assert reused_keys(settings, {"IDENTITY_SECRET_KEY": KEY, "HABILITATION_SECRET_KEY": "another" * 6}) == []


def test_a_shared_key_is_refused_in_every_environment_without_printing_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HABILITATION_SECRET_KEY", KEY)

    with pytest.raises(ValidationError) as refused:
        Settings(IDENTITY_SECRET_KEY=KEY)

    assert "IDENTITY_SECRET_KEY=HABILITATION_SECRET_KEY" in str(refused.value)
    assert KEY not in str(refused.value)
