"""Change password while logged in (`POST /api/v1/me/password`) through the gateway, with real e-mails."""

import httpx
import pytest

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import RunningSystem
from tests.e2e.journeys import PASSWORD, create_account, log_in, unique_email

pytestmark = pytest.mark.e2e
NEW_PASSWORD = "Nouveau-Mot-de-Passe-43"


def _logged_in(client: httpx.Client, email: str) -> None:
    opened = log_in(client, email)
    assert opened.status_code == 200, opened.text
    client.headers["X-CSRF-Token"] = opened.json()["csrf_token"]


def _change(client: httpx.Client, current: str, new: str, confirmation: str | None = None) -> httpx.Response:
    body = {"current_password": current, "password": new, "password_confirmation": confirmation or new}
    return client.post("/api/v1/me/password", json=body)


def test_a_change_keeps_this_session_closes_the_others_and_sends_the_email(
    system: RunningSystem, client: httpx.Client, mail_server: MailRecorder
) -> None:
    email = unique_email()
    create_account(client, mail_server, email)
    _logged_in(client, email)
    with system.client() as other_browser:
        _logged_in(other_browser, email)
        sent = len(mail_server.mails_to(email))

        changed = _change(client, PASSWORD, NEW_PASSWORD)

        assert changed.status_code == 204, changed.text
        assert client.get("/api/v1/me").status_code == 200
        assert other_browser.get("/api/v1/me").status_code == 401
    mail = mail_server.wait_for_mail(email, count=sent + 1)[sent]
    assert mail.subject == "Votre mot de passe a été modifié"
    with system.client() as fresh:
        assert log_in(fresh, email, PASSWORD).status_code == 401
        assert log_in(fresh, email, NEW_PASSWORD).status_code == 200


def test_refusals_name_their_field_in_french_and_change_nothing(
    system: RunningSystem, client: httpx.Client, mail_server: MailRecorder
) -> None:
    email = unique_email()
    create_account(client, mail_server, email)
    _logged_in(client, email)

    wrong = _change(client, "Pas-le-bon-Mot-de-passe-1", NEW_PASSWORD)
    weak = _change(client, PASSWORD, "court")
    mismatch = _change(client, PASSWORD, NEW_PASSWORD, "Autre-Mot-de-Passe-44")

    assert (wrong.status_code, wrong.json()["code"]) == (400, "invalid_credentials")
    assert wrong.headers["content-type"].startswith("application/problem+json")
    assert wrong.json()["errors"] == [{"field": "current_password", "message": "Le mot de passe actuel est incorrect."}]
    assert (weak.status_code, weak.json()["code"]) == (422, "weak_password")
    assert {e["field"] for e in weak.json()["errors"]} == {"password"}
    assert "12 caractères" in weak.json()["errors"][0]["message"]
    assert (mismatch.status_code, mismatch.json()["code"]) == (422, "validation_error")
    assert mismatch.json()["errors"] == [
        {"field": "password_confirmation", "message": "Les deux mots de passe saisis ne sont pas identiques."}
    ]
    assert client.get("/api/v1/me").status_code == 200
    with system.client() as fresh:
        assert log_in(fresh, email, PASSWORD).status_code == 200


def test_a_change_needs_a_session_and_the_csrf_token(client: httpx.Client, mail_server: MailRecorder) -> None:
    email = unique_email()
    create_account(client, mail_server, email)

    anonymous = _change(client, PASSWORD, NEW_PASSWORD)
    opened = log_in(client, email)
    without_csrf = _change(client, PASSWORD, NEW_PASSWORD)

    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "unauthenticated")
    assert opened.status_code == 200
    assert (without_csrf.status_code, without_csrf.json()["code"]) == (403, "csrf_failed")
