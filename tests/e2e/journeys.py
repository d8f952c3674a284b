"""Steps of user journeys through the gateway, shared by the end-to-end tests."""

import re
import uuid

import httpx

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
