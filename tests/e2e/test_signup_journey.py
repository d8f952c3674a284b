"""Sign-up steps 1 and 2 through the gateway, with every service running and real SMTP."""

import re

import httpx
import pytest

from devstack.mail_recorder import MailRecorder
from tests.e2e.journeys import code_in, new_captcha, start_registration, unique_email

pytestmark = pytest.mark.e2e

PROBLEM = "application/problem+json"


def test_signup_sends_the_validation_code_and_accepts_it(client: httpx.Client, mail_server: MailRecorder) -> None:
    email = unique_email()
    registration_id = start_registration(client, email)

    [mail] = mail_server.wait_for_mail(email)
    assert mail.subject == "Validation de votre compte EFP CONNECT"
    assert mail.message["From"].addresses[0].addr_spec == "no-reply@emploi.gouv.fr"
    text = mail.body("plain")
    assert "Vous avez initié la création d'un compte EFP Connect" in text
    assert "merci de saisir le code de validation ci-dessous" in text
    assert "Ce code expirera dans 1 heure." in text
    assert "Ce message est envoyé par un automate, merci de ne pas y répondre." in text
    code = code_in(text)
    assert code in mail.body("html")
    # « Valider mon adresse e-mail »: the frontend's code step, code filled in, in both parts.
    link = re.compile(rf"https?://\S+/inscription/{registration_id}/code\?code={code}")
    assert "Vous pouvez également cliquer sur le bouton ci-dessous :" in text
    assert link.search(text), text
    assert link.search(mail.body("html"))

    response = client.post(f"/api/v1/registrations/{registration_id}/verify", json={"code": code})
    assert response.status_code == 200, response.text
    assert response.json() == {"registration_id": registration_id, "step": "password"}


def test_a_wrong_code_is_refused_as_invalid_code_and_the_right_one_still_works(
    client: httpx.Client, mail_server: MailRecorder
) -> None:
    email = unique_email()
    registration_id = start_registration(client, email)
    code = code_in(mail_server.wait_for_mail(email)[0].body())
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    response = client.post(f"/api/v1/registrations/{registration_id}/verify", json={"code": wrong})

    assert response.status_code == 400
    assert response.headers["content-type"].startswith(PROBLEM)
    problem = response.json()
    assert problem["code"] == "invalid_code"
    assert problem["status"] == 400
    assert problem["detail"] == "Le code de validation saisi est incorrect."
    assert client.post(f"/api/v1/registrations/{registration_id}/verify", json={"code": code}).status_code == 200


def test_five_wrong_codes_make_the_code_unusable(client: httpx.Client, mail_server: MailRecorder) -> None:
    email = unique_email()
    registration_id = start_registration(client, email)
    code = code_in(mail_server.wait_for_mail(email)[0].body())
    wrong = f"{(int(code) + 7) % 1_000_000:06d}"
    for _ in range(5):
        assert client.post(f"/api/v1/registrations/{registration_id}/verify", json={"code": wrong}).status_code == 400

    response = client.post(f"/api/v1/registrations/{registration_id}/verify", json={"code": code})

    assert response.status_code == 409
    assert response.json()["code"] == "too_many_attempts"


def test_a_verified_registration_cannot_verify_again(client: httpx.Client, mail_server: MailRecorder) -> None:
    email = unique_email()
    registration_id = start_registration(client, email)
    code = code_in(mail_server.wait_for_mail(email)[0].body())
    assert client.post(f"/api/v1/registrations/{registration_id}/verify", json={"code": code}).status_code == 200

    response = client.post(f"/api/v1/registrations/{registration_id}/verify", json={"code": code})

    assert response.status_code == 409
    assert response.json()["code"] == "wrong_step"


def test_a_wrong_captcha_is_refused_and_the_captcha_is_used_up(client: httpx.Client, mail_server: MailRecorder) -> None:
    email = unique_email()
    captcha_id = new_captcha(client)

    response = client.post(
        "/api/v1/registrations", json={"email": email, "captcha_id": captcha_id, "captcha_answer": "NOPE"}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_captcha"
    # Single use: even the accepted answer no longer works on this captcha.
    again = client.post(
        "/api/v1/registrations", json={"email": email, "captcha_id": captcha_id, "captcha_answer": "TEST-ANSWER"}
    )
    assert again.json()["code"] == "invalid_captcha"
    assert mail_server.mails_to(email) == []


def test_an_invalid_email_is_a_validation_error_and_sends_nothing(client: httpx.Client) -> None:
    response = client.post(
        "/api/v1/registrations",
        json={"email": "pas-une-adresse", "captcha_id": new_captcha(client), "captcha_answer": "TEST-ANSWER"},
    )

    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "validation_error"
    assert problem["errors"] == [{"field": "email", "message": "L'adresse e-mail saisie n'est pas valide."}]


def test_a_malformed_body_is_a_problem_with_french_field_messages(client: httpx.Client) -> None:
    response = client.post("/api/v1/registrations", json={"email": "a@b.fr"})

    assert response.status_code == 422
    assert response.headers["content-type"].startswith(PROBLEM)
    fields = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert fields == {"captcha_id": "Ce champ est obligatoire.", "captcha_answer": "Ce champ est obligatoire."}


def test_an_unknown_registration_is_not_found(client: httpx.Client) -> None:
    response = client.post("/api/v1/registrations/inconnue/verify", json={"code": "123456"})

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_an_unknown_path_is_a_problem_too(client: httpx.Client) -> None:
    response = client.get("/api/v1/nulle-part")

    assert response.status_code == 404
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.json()["code"] == "not_found"
