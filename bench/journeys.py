"""The sign-up and login steps the benchmarks drive through the gateway, as a browser would."""

import re

import httpx

from devstack.mail_recorder import MailRecorder

ANSWER = "BENCH"  # EFP_CAPTCHA_TEST_ANSWER of the benchmarks' own services
PASSWORD = "Banc-d-Essai-2026!"  # noqa: S105 (throwaway accounts of the benchmarks' own databases)


def sign_up(http: httpx.Client, mail: MailRecorder, email: str, siren: str) -> str:
    """The five sign-up steps of the guide, the code read from the e-mail; returns the account id."""
    captcha = http.post("/api/v1/captchas").json()["captcha_id"]
    body = {"email": email, "captcha_id": captcha, "captcha_answer": ANSWER}
    registration = http.post("/api/v1/registrations", json=body).raise_for_status().json()["registration_id"]
    code = re.search(r"^\s*(\d{6})\s*$", mail.wait_for_mail(email)[0].body(), re.MULTILINE)
    assert code, "no code in the e-mail"
    base = f"/api/v1/registrations/{registration}"
    steps = [
        ("verify", {"code": code.group(1)}),
        ("password", {"password": PASSWORD, "password_confirmation": PASSWORD}),
        ("identity", {"civility": "madame", "last_name": "Banc", "first_name": "Essai"}),
        ("organisation", {"siren": siren, "accept_terms": True}),
    ]
    answer = None
    for step, fields in steps:
        answer = http.post(f"{base}/{step}", json=fields).raise_for_status()
    assert answer is not None
    return str(answer.json()["account_id"])


def log_in(http: httpx.Client, email: str, password: str = PASSWORD) -> None:
    """A login with its captcha; leaves the session cookie and the CSRF header on `http`."""
    captcha = http.post("/api/v1/captchas").json()["captcha_id"]
    body = {"email": email, "password": password, "captcha_id": captcha, "captcha_answer": ANSWER}
    http.headers["X-CSRF-Token"] = http.post("/api/v1/session", json=body).raise_for_status().json()["csrf_token"]
