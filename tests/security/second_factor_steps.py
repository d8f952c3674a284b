"""Steps of the second-factor tests, through the gateway: enrol a TOTP application, log in in two steps.

TOTP codes are computed here with pyotp from the secret the enrolment gave, as an authenticator app
would. A code's 30-second step may be used once: the enrolment uses the current one, so the login
after it uses the next (accepted one step early, for clocks that drift).
"""

import time

import httpx
import pyotp

from devstack.pytest_plugin import CAPTCHA_TEST_ANSWER
from tests.e2e.journeys import PASSWORD, new_captcha

STEP = 30


def enrol_totp(http: httpx.Client) -> tuple[pyotp.TOTP, list[str]]:
    """Enrols a TOTP application on the logged-in account; the TOTP and the ten recovery codes."""
    started = http.post("/api/v1/me/second-factor/totp")
    assert started.status_code == 201, started.text
    totp = pyotp.TOTP(started.json()["secret"])
    scanned = pyotp.parse_uri(started.json()["otpauth_uri"])  # what an app reads from the QR code
    assert isinstance(scanned, pyotp.TOTP)
    assert (scanned.secret, scanned.issuer, scanned.digits, scanned.interval) == (totp.secret, "EFP Connect", 6, 30)
    confirmed = http.post("/api/v1/me/second-factor/totp/confirm", json={"code": totp.now()})
    assert confirmed.status_code == 200, confirmed.text
    codes = confirmed.json()["recovery_codes"]
    assert len(codes) == 10
    return totp, codes


def next_code(totp: pyotp.TOTP) -> str:
    """The code of the next step: the current one was just used."""
    return totp.at(time.time() + STEP)


def wrong_code(totp: pyotp.TOTP) -> str:
    """A code that none of the three accepted steps gives."""
    now = time.time()
    accepted = {totp.at(now + offset * STEP) for offset in (-1, 0, 1, 2)}
    return next(code for code in ("000000", "111111", "222222", "333333", "444444") if code not in accepted)


def password_step(http: httpx.Client, email: str, password: str = PASSWORD) -> httpx.Response:
    opened = http.post(
        "/api/v1/session",
        json={
            "email": email,
            "password": password,
            "captcha_id": new_captcha(http),
            "captcha_answer": CAPTCHA_TEST_ANSWER,
        },
    )
    assert opened.status_code == 200, opened.text
    http.headers["X-CSRF-Token"] = opened.json()["csrf_token"]
    return opened


def prove(http: httpx.Client, method: str, code: str) -> httpx.Response:
    """The second step (pending session) or a step-up (active session); keeps the new CSRF token."""
    proved = http.post("/api/v1/session/second-factor", json={"method": method, "code": code})
    if proved.status_code == 200:
        http.headers["X-CSRF-Token"] = proved.json()["csrf_token"]
    return proved


def two_step_login(http: httpx.Client, email: str, method: str, code: str) -> httpx.Response:
    opened = password_step(http, email)
    assert opened.json()["second_factor_pending"] is True
    proved = prove(http, method, code)
    assert proved.status_code == 200, proved.text
    return proved
