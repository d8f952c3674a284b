"""NotificationSettings: the SMTP endpoint from SMTP_URL and overrides, retries, limits and the test fail points."""

import pytest

from notification.config import NotificationSettings

VARIABLES = (
    "SMTP_URL",
    "SMTP_USERNAME",
    "SMTP_PASSWORD",
    "SMTP_STARTTLS",
    "EFP_ENVIRONMENT",
    "NOTIFICATION_MAX_ATTEMPTS",
    "NOTIFICATION_BACKOFF_BASE_SECONDS",
    "NOTIFICATION_RATE_LIMIT_PER_RECIPIENT",
    "NOTIFICATION_RATE_LIMIT_PER_REQUESTER",
    "NOTIFICATION_RATE_LIMIT_WINDOW_SECONDS",
    "NOTIFICATION_RATE_LIMIT_MAX_WAIT_SECONDS",
    "NOTIFICATION_TEST_CRASH_AFTER_SEND",
    "NOTIFICATION_TEST_CRASH_AFTER_SMTP_ACCEPT",
    "NOTIFICATION_BODY_RETENTION_DAYS",
    "NOTIFICATION_METADATA_RETENTION_DAYS",
    "NOTIFICATION_SWEEP_SECONDS",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)


def endpoint(monkeypatch: pytest.MonkeyPatch, **env: str) -> tuple[str, int, bool, str | None, str | None]:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return NotificationSettings().smtp_endpoint()


def test_the_default_is_the_local_test_server(monkeypatch: pytest.MonkeyPatch) -> None:
    assert endpoint(monkeypatch) == ("127.0.0.1", 1025, False, None, None)


def test_smtp_gives_host_and_port_without_implicit_tls(monkeypatch: pytest.MonkeyPatch) -> None:
    assert endpoint(monkeypatch, SMTP_URL="smtp://mail.example.fr:587") == ("mail.example.fr", 587, False, None, None)


def test_smtp_without_a_port_uses_25(monkeypatch: pytest.MonkeyPatch) -> None:
    assert endpoint(monkeypatch, SMTP_URL="smtp://mail.example.fr")[:3] == ("mail.example.fr", 25, False)


def test_smtps_means_implicit_tls_on_465_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    assert endpoint(monkeypatch, SMTP_URL="smtps://mail.example.fr")[:3] == ("mail.example.fr", 465, True)


def test_smtps_keeps_an_explicit_port(monkeypatch: pytest.MonkeyPatch) -> None:
    assert endpoint(monkeypatch, SMTP_URL="smtps://mail.example.fr:2465")[:3] == ("mail.example.fr", 2465, True)


def test_credentials_are_read_from_the_url_and_unquoted(monkeypatch: pytest.MonkeyPatch) -> None:
    host, _, _, username, password = endpoint(monkeypatch, SMTP_URL="smtp://no-reply%40efp:p%40ss%3Aw@mail.example.fr")

    assert (host, username, password) == ("mail.example.fr", "no-reply@efp", "p@ss:w")


def test_smtp_username_and_password_override_the_url(monkeypatch: pytest.MonkeyPatch) -> None:
    result = endpoint(
        monkeypatch, SMTP_URL="smtp://url-user:url-pass@mail.example.fr:587", SMTP_USERNAME="env", SMTP_PASSWORD="pw"
    )

    assert result == ("mail.example.fr", 587, False, "env", "pw")


def test_the_password_override_alone_keeps_the_url_username(monkeypatch: pytest.MonkeyPatch) -> None:
    result = endpoint(monkeypatch, SMTP_URL="smtp://url-user:url-pass@mail.example.fr", SMTP_PASSWORD="pw")

    assert result[3:] == ("url-user", "pw")


def test_the_password_is_not_shown_in_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMTP_PASSWORD", "very-secret")

    assert "very-secret" not in repr(NotificationSettings())


@pytest.mark.parametrize("url", ["http://mail.example.fr", "mail.example.fr:25", "smtp://", "smtp:///nohost"])
def test_a_url_that_is_not_smtp_is_refused(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("SMTP_URL", url)

    with pytest.raises(ValueError, match="SMTP_URL"):
        NotificationSettings().smtp_endpoint()


def test_retries_default_to_seven_attempts_from_one_minute_and_twenty_mails_an_hour() -> None:
    settings = NotificationSettings()

    assert (settings.max_attempts, settings.backoff_base_seconds, settings.backoff_jitter) == (7, 60.0, 0.2)
    assert (settings.rate_limit_per_recipient, settings.rate_limit_window_seconds) == (20, 3600.0)
    # Per family of e-mails; a throttled e-mail waits up to a day before it is abandoned.
    assert (settings.rate_limit_per_requester, settings.rate_limit_max_wait_seconds) == (100, 86400.0)


def test_tests_can_retry_in_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOTIFICATION_MAX_ATTEMPTS", "3")
    monkeypatch.setenv("NOTIFICATION_BACKOFF_BASE_SECONDS", "0.5")

    settings = NotificationSettings()

    assert (settings.max_attempts, settings.backoff_base_seconds) == (3, 0.5)


@pytest.mark.parametrize("name", ["NOTIFICATION_TEST_CRASH_AFTER_SEND", "NOTIFICATION_TEST_CRASH_AFTER_SMTP_ACCEPT"])
def test_a_fail_point_works_outside_production(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv("EFP_ENVIRONMENT", "test")
    monkeypatch.setenv(name, "true")

    settings = NotificationSettings()

    assert settings.test_crash_after_send or settings.test_crash_after_smtp_accept


@pytest.mark.parametrize("value", ["true", "false"])
@pytest.mark.parametrize("name", ["NOTIFICATION_TEST_CRASH_AFTER_SEND", "NOTIFICATION_TEST_CRASH_AFTER_SMTP_ACCEPT"])
def test_a_fail_point_is_refused_in_production_even_switched_off(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv("EFP_ENVIRONMENT", "production")
    monkeypatch.setenv(name, value)

    with pytest.raises(ValueError, match=name):
        NotificationSettings()


def test_bodies_are_kept_a_year_and_the_rest_three(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = NotificationSettings()

    assert (settings.body_retention_days, settings.metadata_retention_days) == (365, 1095)


def test_metadata_cannot_go_before_the_bodies(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOTIFICATION_BODY_RETENTION_DAYS", "400")
    monkeypatch.setenv("NOTIFICATION_METADATA_RETENTION_DAYS", "300")

    with pytest.raises(ValueError, match="NOTIFICATION_METADATA_RETENTION_DAYS"):
        NotificationSettings()
