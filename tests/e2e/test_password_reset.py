"""Password reset by code (guide §5.2) through the gateway, with real e-mails."""

import re

import httpx
import pytest

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import CAPTCHA_TEST_ANSWER, RunningSystem
from tests.e2e.journeys import PASSWORD, code_in, create_account, log_in, new_captcha, unique_email

pytestmark = pytest.mark.e2e
NEW_PASSWORD = "Nouveau-Mot-de-Passe-42"


def _request_reset(client: httpx.Client, email: str) -> httpx.Response:
    return client.post(
        "/api/v1/password-resets",
        json={"email": email, "captcha_id": new_captcha(client), "captcha_answer": CAPTCHA_TEST_ANSWER},
    )


def test_reset_by_code_changes_the_password_and_closes_other_sessions(
    system: RunningSystem, client: httpx.Client, mail_server: MailRecorder
) -> None:
    email = unique_email()
    create_account(client, mail_server, email)
    with system.client() as other_browser:
        assert log_in(other_browser, email).status_code == 200
        sent = len(mail_server.mails_to(email))

        response = _request_reset(client, email)
        assert response.status_code == 202
        reset_id = response.json()["reset_id"]
        mail = mail_server.wait_for_mail(email, count=sent + 1)[sent]
        assert mail.subject == "Réinitialisation du mot de passe de votre compte EFP Connect"
        assert "Bonjour Madame Lefèvre-Dubois," in mail.body()  # create_account's civility and last name
        assert "Ce code est à usage unique. Il expirera au bout de 24 heures." in mail.body()
        code = code_in(mail.body())
        # « Réinitialiser mon mot de passe »: the frontend's code step of this reset, code filled in.
        link = re.compile(rf"https?://\S+/mot-de-passe-oublie/{reset_id}/code\?code={code}")
        assert link.search(mail.body()), mail.body()
        assert link.search(mail.body("html"))
        assert client.post(f"/api/v1/password-resets/{reset_id}/verify", json={"code": code}).status_code == 200
        done = client.post(
            f"/api/v1/password-resets/{reset_id}/password",
            json={"password": NEW_PASSWORD, "password_confirmation": NEW_PASSWORD},
        )
        assert done.status_code == 200, done.text

        assert other_browser.get("/api/v1/me").status_code == 401
    changed = mail_server.wait_for_mail(email, count=sent + 2)[sent + 1]
    assert changed.subject == "Votre mot de passe a été modifié"
    assert log_in(client, email, PASSWORD).status_code == 401
    assert log_in(client, email, NEW_PASSWORD).status_code == 200
    again = client.post(f"/api/v1/password-resets/{reset_id}/verify", json={"code": code})
    assert again.status_code == 409


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client: httpx.Client, mail_server: MailRecorder) -> None:
    email = unique_email()

    response = _request_reset(client, email)

    assert response.status_code == 202
    assert set(response.json()) == {"reset_id", "step"}
    wrong = client.post(f"/api/v1/password-resets/{response.json()['reset_id']}/verify", json={"code": "123456"})
    assert wrong.json()["code"] == "invalid_code"
    assert mail_server.mails_to(email) == []


def test_a_wrong_captcha_refuses_the_reset(client: httpx.Client) -> None:
    response = client.post(
        "/api/v1/password-resets",
        json={"email": unique_email(), "captcha_id": new_captcha(client), "captcha_answer": "X"},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_captcha"
