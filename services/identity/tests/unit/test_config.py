"""Identity settings: the secret key is required and the captcha test hook never reaches production."""

from datetime import timedelta

import pytest
from pydantic import ValidationError

from identity.bootstrap import rules_from
from identity.config import IdentitySettings

SECRET = "s" * 32
# A real Fernet key: production refuses the development default (a `change-me` placeholder).
SECOND_FACTOR_KEY = "dGVzdC1zZWNvbmQtZmFjdG9yLWtleS0zMi1ieXRlcyE="


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "EFP_ENVIRONMENT",
        "EFP_CAPTCHA_TEST_ANSWER",
        "IDENTITY_SECRET_KEY",
        "IDENTITY_DATABASE",
        "EFP_FRONTEND_URL",
        "IDENTITY_SECOND_FACTOR_KEYS",
        "IDENTITY_WEBAUTHN_RP_ID",
        "IDENTITY_WEBAUTHN_ORIGINS",
        "IDENTITY_WEBAUTHN_RP_NAME",
    ):
        monkeypatch.delenv(name, raising=False)


def test_the_secret_key_is_required() -> None:
    with pytest.raises(ValidationError, match="IDENTITY_SECRET_KEY"):
        IdentitySettings()


def test_settings_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IDENTITY_SECRET_KEY", SECRET)
    monkeypatch.setenv("IDENTITY_DATABASE", "identity_x")

    settings = IdentitySettings()

    assert settings.secret_key.get_secret_value() == SECRET
    assert SECRET not in repr(settings)
    assert settings.database == "identity_x"
    assert settings.captcha_test_answer is None


def test_e_mail_links_lead_to_the_frontend_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IDENTITY_SECRET_KEY", SECRET)
    assert IdentitySettings().frontend_url == "https://efpconnect.emploi.gouv.fr"

    monkeypatch.setenv("EFP_FRONTEND_URL", "https://efp.example.fr")

    assert IdentitySettings().frontend_url == "https://efp.example.fr"


def test_a_test_answer_is_refused_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IDENTITY_SECRET_KEY", SECRET)
    monkeypatch.setenv("IDENTITY_SECOND_FACTOR_KEYS", SECOND_FACTOR_KEY)
    monkeypatch.setenv("EFP_ENVIRONMENT", "production")
    monkeypatch.setenv("EFP_CAPTCHA_TEST_ANSWER", "TEST-ANSWER")

    with pytest.raises(ValidationError, match="EFP_CAPTCHA_TEST_ANSWER"):
        IdentitySettings()


def test_production_without_a_test_answer_is_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IDENTITY_SECRET_KEY", SECRET)
    monkeypatch.setenv("IDENTITY_SECOND_FACTOR_KEYS", SECOND_FACTOR_KEY)
    monkeypatch.setenv("EFP_ENVIRONMENT", "production")

    assert IdentitySettings().environment == "production"


@pytest.mark.parametrize("environment", ["development", "test"])
def test_a_test_answer_is_allowed_outside_production(monkeypatch: pytest.MonkeyPatch, environment: str) -> None:
    monkeypatch.setenv("IDENTITY_SECRET_KEY", SECRET)
    monkeypatch.setenv("EFP_ENVIRONMENT", environment)
    monkeypatch.setenv("EFP_CAPTCHA_TEST_ANSWER", "TEST-ANSWER")

    assert IdentitySettings().captcha_test_answer == "TEST-ANSWER"


def test_an_empty_test_answer_is_refused_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IDENTITY_SECRET_KEY", SECRET)
    monkeypatch.setenv("IDENTITY_SECOND_FACTOR_KEYS", SECOND_FACTOR_KEY)
    monkeypatch.setenv("EFP_ENVIRONMENT", "production")
    monkeypatch.setenv("EFP_CAPTCHA_TEST_ANSWER", "")

    with pytest.raises(ValidationError):
        IdentitySettings()


def test_the_captcha_budgets_per_address_reach_the_use_cases(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IDENTITY_SECRET_KEY", SECRET)
    monkeypatch.setenv("IDENTITY_CAPTCHA_CREATIONS_PER_IP_PER_MINUTE", "7")
    monkeypatch.delenv("IDENTITY_CAPTCHA_MEDIA_PER_IP_PER_MINUTE", raising=False)

    rules = rules_from(IdentitySettings())

    assert rules.captcha_creations_per_ip == (7, timedelta(minutes=1))
    assert rules.captcha_media_per_ip == (120, timedelta(minutes=1))
