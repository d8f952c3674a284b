"""Second-factor settings: Fernet keys (a development default production refuses), the WebAuthn relying party."""

import pytest
from cryptography.fernet import Fernet
from pydantic import ValidationError

from identity.config import DEVELOPMENT_SECOND_FACTOR_KEY, IdentitySettings

SECRET = "s" * 32


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "EFP_ENVIRONMENT",
        "EFP_CAPTCHA_TEST_ANSWER",
        "EFP_FRONTEND_URL",
        "IDENTITY_SECOND_FACTOR_KEYS",
        "IDENTITY_WEBAUTHN_RP_ID",
        "IDENTITY_WEBAUTHN_ORIGINS",
        "IDENTITY_WEBAUTHN_RP_NAME",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("IDENTITY_SECRET_KEY", SECRET)


def test_local_runs_seal_with_the_development_key_by_default() -> None:
    assert IdentitySettings().second_factor_key_list() == [DEVELOPMENT_SECOND_FACTOR_KEY]
    Fernet(DEVELOPMENT_SECOND_FACTOR_KEY.encode())  # a usable key


def test_production_refuses_the_development_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EFP_ENVIRONMENT", "production")

    with pytest.raises(ValidationError, match="IDENTITY_SECOND_FACTOR_KEYS"):
        IdentitySettings()


def test_production_accepts_real_keys_the_first_sealing(monkeypatch: pytest.MonkeyPatch) -> None:
    new, old = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    monkeypatch.setenv("EFP_ENVIRONMENT", "production")
    monkeypatch.setenv("IDENTITY_SECOND_FACTOR_KEYS", f"{new}, {old}")

    settings = IdentitySettings()

    assert settings.second_factor_key_list() == [new, old]
    assert new not in repr(settings)


@pytest.mark.parametrize("keys", ["not-a-fernet-key", " , "])
def test_a_key_that_is_no_fernet_key_is_refused(monkeypatch: pytest.MonkeyPatch, keys: str) -> None:
    monkeypatch.setenv("IDENTITY_SECOND_FACTOR_KEYS", keys)

    with pytest.raises(ValidationError, match="IDENTITY_SECOND_FACTOR_KEYS"):
        IdentitySettings()


def test_the_relying_party_defaults_to_the_frontend_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EFP_FRONTEND_URL", "http://localhost:8090/")

    settings = IdentitySettings()

    assert (settings.webauthn_rp(), settings.webauthn_origin_list()) == ("localhost", ["http://localhost:8090"])
    assert settings.webauthn_rp_name == "EFP Connect"


def test_the_relying_party_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IDENTITY_WEBAUTHN_RP_ID", "efp.example.fr")
    monkeypatch.setenv("IDENTITY_WEBAUTHN_ORIGINS", "https://efp.example.fr, https://connect.efp.example.fr/")
    monkeypatch.setenv("IDENTITY_WEBAUTHN_RP_NAME", "EFP Recette")

    settings = IdentitySettings()

    assert settings.webauthn_rp() == "efp.example.fr"
    assert settings.webauthn_origin_list() == ["https://efp.example.fr", "https://connect.efp.example.fr"]
    assert settings.webauthn_rp_name == "EFP Recette"


def test_a_refused_key_is_not_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IDENTITY_SECOND_FACTOR_KEYS", "change-me-generate-a-fernet-key")

    with pytest.raises(ValidationError) as refused:
        IdentitySettings()

    assert "generate-a-fernet" not in str(refused.value)
