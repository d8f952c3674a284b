"""Steps of user journeys through the gateway, shared by the end-to-end tests."""

import re
import uuid

import httpx

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import CAPTCHA_TEST_ANSWER


def unique_email() -> str:
    return f"jean.dupont.{uuid.uuid4().hex[:10]}@centre-formation.fr"


def new_captcha(client: httpx.Client) -> str:
    response = client.post("/api/v1/captchas")
    assert response.status_code == 201, response.text
    return str(response.json()["captcha_id"])


def start_registration(client: httpx.Client, email: str) -> str:
    response = client.post(
        "/api/v1/registrations",
        json={"email": email, "captcha_id": new_captcha(client), "captcha_answer": CAPTCHA_TEST_ANSWER},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["registration_id"])


def code_in(text: str) -> str:
    match = re.search(r"^\s*(\d{6})\s*$", text, re.MULTILINE)
    assert match, f"no 6-digit code in:\n{text}"
    return match.group(1)


# Made-up organisations of services/identity/data/sirene-sample.
EMERAUDE_SIREN = "000010116"  # « Centre de Formation Émeraude », open establishments
PASSWORD = "Formation-Émeraude-2026"


def verified_registration(client: httpx.Client, mail_server: MailRecorder, email: str) -> str:
    registration_id = start_registration(client, email)
    code = code_in(mail_server.wait_for_mail(email)[0].body())
    response = client.post(f"/api/v1/registrations/{registration_id}/verify", json={"code": code})
    assert response.status_code == 200, response.text
    return registration_id


def create_account(
    client: httpx.Client, mail_server: MailRecorder, email: str, password: str = PASSWORD, siren: str = EMERAUDE_SIREN
) -> str:
    """The five steps of the guide; returns the account id."""
    registration_id = verified_registration(client, mail_server, email)
    steps = [
        ("password", {"password": password, "password_confirmation": password}),
        ("identity", {"civility": "madame", "last_name": "Lefèvre-Dubois", "first_name": "Anaïs"}),
        ("organisation", {"siren": siren, "job_title": "Responsable pédagogique", "accept_terms": True}),
    ]
    for step, body in steps:
        response = client.post(f"/api/v1/registrations/{registration_id}/{step}", json=body)
        assert response.status_code in (200, 201), response.text
    mail_server.wait_for_mail(email, count=2)  # the code, then « Votre compte EFP Connect est créé »
    return str(response.json()["account_id"])


def log_in(client: httpx.Client, email: str, password: str = PASSWORD) -> httpx.Response:
    return client.post(
        "/api/v1/session",
        json={
            "email": email,
            "password": password,
            "captcha_id": new_captcha(client),
            "captcha_answer": CAPTCHA_TEST_ANSWER,
        },
    )
