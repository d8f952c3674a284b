"""Issue 14, finding 5: six-digit codes had no total budget. Each code allows 5 tries, and a new reset
or a resend gave a fresh code with fresh tries and (for a resend) no captcha: about 2,400 guesses a day
reached a chosen account's reset. Now wrong codes are counted per address and purpose for a day across
resends and new requests (then no code is tried, and none is sent, until a day after the last wrong
one), a new reset supersedes the older ones, and every resend after the first needs a solved captcha.
"""

import re
import time

import httpx
import pytest

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import CAPTCHA_TEST_ANSWER, RunningSystem
from tests.e2e.journeys import code_in, create_account, new_captcha, start_registration, unique_email
from tests.pages import browsing

pytestmark = [pytest.mark.e2e, pytest.mark.security]
DAILY_WRONG_CODES = 20  # identity.use_cases.codes.code_budget
TRIES_PER_CODE = 5
CODE = re.compile(r"^\s*\d{6}\s*$", re.MULTILINE)
COOLDOWN = 1.1  # IDENTITY_RESEND_COOLDOWN_SECONDS is 1 in the test system


def ask_reset(client: httpx.Client, email: str) -> str:
    body = {"email": email, "captcha_id": new_captcha(client), "captcha_answer": CAPTCHA_TEST_ANSWER}
    response = client.post("/api/v1/password-resets", json=body)
    assert response.status_code == 202, response.text
    return str(response.json()["reset_id"])


def latest_code(mail_server: MailRecorder, email: str, count: int) -> str:
    return code_in(mail_server.wait_for_mail(email, count=count)[count - 1].body())


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def verify_reset(client: httpx.Client, reset_id: str, code: str) -> httpx.Response:
    return client.post(f"/api/v1/password-resets/{reset_id}/verify", json={"code": code})


@pytest.fixture
def owner(system: RunningSystem, mail_server: MailRecorder) -> str:
    email = unique_email()
    with system.client() as client:
        create_account(client, mail_server, email)
    return email


def test_wrong_codes_across_new_resets_spend_a_daily_budget(
    system: RunningSystem, mail_server: MailRecorder, owner: str
) -> None:
    sent = 2  # the sign-up code and « Votre compte est créé »
    with system.client() as attacker:
        for _ in range(DAILY_WRONG_CODES // TRIES_PER_CODE):
            reset_id = ask_reset(attacker, owner)
            sent += 1
            code = latest_code(mail_server, owner, sent)
            for _ in range(TRIES_PER_CODE):
                assert verify_reset(attacker, reset_id, wrong(code)).status_code == 400
        spent = verify_reset(attacker, reset_id, code)  # even the right code is no longer tried
        assert spent.status_code == 409, spent.text
        assert spent.json()["code"] == "too_many_attempts"
        assert "24 heures" in spent.json()["detail"]

        refused = attacker.post(
            "/api/v1/password-resets",
            json={"email": owner, "captcha_id": new_captcha(attacker), "captcha_answer": CAPTCHA_TEST_ANSWER},
        )
        assert refused.status_code == 409, refused.text
    # The owner is told once, and no code was sent past the budget.
    mails = mail_server.wait_for_mail(owner, count=sent + 1)
    assert "Trop de codes incorrects ont été saisis aujourd'hui" in mails[-1].body()
    time.sleep(1)
    assert len(mail_server.mails_to(owner)) == sent + 1


def test_a_new_reset_supersedes_the_older_ones(system: RunningSystem, mail_server: MailRecorder, owner: str) -> None:
    with system.client() as client:
        first = ask_reset(client, owner)
        first_code = latest_code(mail_server, owner, 3)
        second = ask_reset(client, owner)
        second_code = latest_code(mail_server, owner, 4)

        superseded = verify_reset(client, first, first_code)
        assert superseded.status_code == 410, superseded.text
        assert "dernier e-mail" in superseded.json()["detail"]
        assert verify_reset(client, second, second_code).status_code == 200


def test_every_resend_after_the_first_needs_a_solved_captcha(system: RunningSystem, mail_server: MailRecorder) -> None:
    email = unique_email()
    with system.client() as client:
        registration_id = start_registration(client, email)
        resend = f"/api/v1/registrations/{registration_id}/resend-code"
        time.sleep(COOLDOWN)
        assert client.post(resend).status_code == 202  # the first one is free
        mail_server.wait_for_mail(email, count=2)
        time.sleep(COOLDOWN)

        unattended = client.post(resend)
        assert unattended.status_code == 400, unattended.text
        assert unattended.json()["code"] == "invalid_captcha"
        wrong_answer = client.post(resend, json={"captcha_id": new_captcha(client), "captcha_answer": "FAUX00"})
        assert wrong_answer.status_code == 400
        solved = client.post(resend, json={"captcha_id": new_captcha(client), "captcha_answer": CAPTCHA_TEST_ANSWER})
        assert solved.status_code == 202, solved.text
    assert len(mail_server.wait_for_mail(email, count=3)) == 3


def test_sign_up_codes_spend_neither_the_reset_budget_nor_its_send_cap(
    system: RunningSystem, mail_server: MailRecorder, owner: str
) -> None:
    with system.client() as attacker:
        for _ in range(DAILY_WRONG_CODES // TRIES_PER_CODE):
            registration_id = start_registration(attacker, owner)  # a decoy: the address has an account
            for _ in range(TRIES_PER_CODE):
                verify = attacker.post(f"/api/v1/registrations/{registration_id}/verify", json={"code": "000000"})
                assert verify.status_code == 400, verify.text
        spent = attacker.post(f"/api/v1/registrations/{registration_id}/verify", json={"code": "000000"})
        assert spent.status_code == 409
        assert spent.json()["code"] == "too_many_attempts"
    # Sign-up code, account created, one warning a decoy, and the notice that sign-up codes are locked.
    warned = 2 + DAILY_WRONG_CODES // TRIES_PER_CODE + 1
    with system.client() as client:
        reset_id = ask_reset(client, owner)
        mails = mail_server.wait_for_mail(owner, warned + 1)
        # The newest code-bearing mail: the reset's (the sign-up code came first; decoys carry none).
        code = [code_in(mail.body()) for mail in mails if CODE.search(mail.body())][-1]
        assert verify_reset(client, reset_id, code).status_code == 200


def test_the_code_page_asks_for_a_security_code_from_the_second_resend(
    system: RunningSystem, mail_server: MailRecorder
) -> None:
    email = unique_email()
    with browsing.web_browser(system) as browser:
        code_path = browsing.start_sign_up(browser, email).headers["location"]
        base = code_path.removesuffix("/code")
        time.sleep(COOLDOWN)
        first = browser.post(
            f"{base}/renvoyer-code", data={"csrf_token": browsing.form_token(browser.get(code_path).text)}
        )
        assert first.status_code == 303, first.text
        page = browser.get(first.headers["location"])
        assert "Un nouveau code vous a été envoyé" in page.text
        assert 'name="captcha_answer"' in page.text  # the next resend asks for it
        time.sleep(COOLDOWN)

        unanswered = browser.post(f"{base}/renvoyer-code", data={"csrf_token": browsing.form_token(page.text)})
        assert unanswered.status_code == 400
        assert 'id="captcha_answer-erreur"' in unanswered.text  # the message next to the field
        assert "recopiez d" in unanswered.text
        solved = browsing.post_captcha_form(browser, f"{base}/renvoyer-code", unanswered)
        assert solved.status_code == 303, solved.text
    assert len(mail_server.wait_for_mail(email, count=3)) == 3
