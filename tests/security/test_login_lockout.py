"""Issue 14, finding 4: anyone could lock a chosen person out of login without solving a captcha, the
per-address counter being hit before the captcha was checked (10 junk attempts in 5 minutes gave the
owner 429). Only attempts whose captcha was solved now count against an address; and an attacker who
does solve captchas and keeps the address locked for untrusted browsers does not lock its owner out:
the owner's browser holds a device cookie from an earlier successful login (OWASP's device cookies),
and its attempts are counted on their own. Through the gateway's API and through the web pages.
"""

import httpx
import pytest

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import RunningSystem
from tests.e2e.journeys import PASSWORD, create_account, log_in, new_captcha, unique_email
from tests.pages import browsing

pytestmark = [pytest.mark.e2e, pytest.mark.security]
WRONG = "Pas-le-bon-mot-de-passe-2026"
DEVICE_COOKIE = "efp_device"


@pytest.fixture
def victim(system: RunningSystem, mail_server: MailRecorder) -> str:
    email = unique_email()
    with system.client() as gateway:
        create_account(gateway, mail_server, email)
    return email


def unsolved_attempt(client: httpx.Client, email: str) -> httpx.Response:
    body = {"email": email, "password": WRONG, "captcha_id": new_captcha(client), "captcha_answer": "FAUX00"}
    return client.post("/api/v1/session", json=body)


def lock_for_untrusted_browsers(system: RunningSystem, email: str) -> None:
    """Five wrong passwords with the captcha solved, from a browser with no cookie of the owner's."""
    with system.client() as attacker:
        for _ in range(5):
            assert log_in(attacker, email, WRONG).status_code == 401
        locked = log_in(attacker, email)
    assert locked.status_code == 429, locked.text
    assert locked.json()["code"] == "rate_limited"


def test_attempts_without_the_captcha_solved_do_not_lock_the_owner_out(system: RunningSystem, victim: str) -> None:
    with system.client() as attacker:
        for _ in range(15):
            refused = unsolved_attempt(attacker, victim)
            assert refused.status_code == 400, refused.text
            assert refused.json()["code"] == "invalid_captcha"

    with system.client() as owner:
        assert log_in(owner, victim).status_code == 200


def test_the_owner_with_a_device_cookie_logs_in_while_the_address_is_locked_for_others(
    system: RunningSystem, victim: str
) -> None:
    with system.client() as owner:
        first = log_in(owner, victim)
        assert first.status_code == 200, first.text
        device = owner.cookies.get(DEVICE_COOKIE)
        assert device
        lock_for_untrusted_browsers(system, victim)

        again = log_in(owner, victim)

        assert again.status_code == 200, again.text
        assert owner.cookies.get(DEVICE_COOKIE) not in (None, device)  # renewed at each login
    with system.client() as stranger:
        assert log_in(stranger, victim).status_code == 429


def test_a_stolen_device_cookie_of_another_address_gets_no_one_through(system: RunningSystem, victim: str) -> None:
    with system.client() as attacker:
        email = unique_email()
        assert log_in(attacker, victim).status_code == 200  # a cookie for `victim`, not for `email`
        lock_for_untrusted_browsers(system, victim)
        attacker.cookies.set(DEVICE_COOKIE, "forged.0000", path="/api/v1/session")

        assert log_in(attacker, victim).status_code == 429
        assert log_in(attacker, email).status_code == 401


def test_the_web_login_keeps_the_device_cookie_for_its_owner(system: RunningSystem, mail_server: MailRecorder) -> None:
    email = unique_email()
    with system.client() as gateway:
        create_account(gateway, mail_server, email)
    with browsing.web_browser(system) as browser:
        first = browsing.log_in(browser, email, PASSWORD)
        assert first.status_code == 303, first.text
        [cookie] = [cookie for cookie in browser.cookies.jar if cookie.name == DEVICE_COOKIE]
        assert (cookie.path, cookie.has_nonstandard_attr("HttpOnly")) == ("/connexion", True)
        browser.post("/deconnexion", data={"csrf_token": browsing.form_token(browser.get("/accueil").text)})
        lock_for_untrusted_browsers(system, email)

        again = browsing.log_in(browser, email, PASSWORD)

        assert again.status_code == 303, again.text
    with browsing.web_browser(system) as stranger:
        locked = browsing.log_in(stranger, email, PASSWORD)
        assert locked.status_code == 429
        assert "Trop d" in locked.text


def test_a_solved_captcha_answer_is_still_needed_with_a_device_cookie(system: RunningSystem, victim: str) -> None:
    with system.client() as owner:
        assert log_in(owner, victim).status_code == 200
        body = {"email": victim, "password": PASSWORD, "captcha_id": new_captcha(owner), "captcha_answer": "FAUX00"}

        refused = owner.post("/api/v1/session", json=body)

        assert refused.status_code == 400
        assert refused.json()["code"] == "invalid_captcha"
