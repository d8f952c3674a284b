"""NotificationSettings.smtp_endpoint: host, port, TLS mode and credentials from SMTP_URL and overrides."""

import pytest

from notification.config import NotificationSettings

VARIABLES = ("SMTP_URL", "SMTP_USERNAME", "SMTP_PASSWORD", "SMTP_STARTTLS")


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
