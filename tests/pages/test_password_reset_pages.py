"""« Réinitialiser mon mot de passe » through the pages: e-mail and security code, the code from the
e-mail's own link, the new password, then a login with it."""

import re

import httpx
import pytest

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import RunningSystem
from tests.e2e.journeys import create_account, unique_email
from tests.pages.browsing import form_token, log_in, post_captcha_form
from tests.pages.catalogue import check_screen

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "Nouveau-Mot-de-passe-2026!"


def test_a_person_resets_the_password_from_the_email_link_and_logs_in_with_it(
    system: RunningSystem, browser_like: httpx.Client, mail_server: MailRecorder
) -> None:
    email = unique_email()
    with system.client() as gateway:
        create_account(gateway, mail_server, email)
    sent = len(mail_server.mails_to(email))
    start = browser_like.get("/mot-de-passe-oublie")
    check_screen("mot-de-passe-oublie", start.text)
    asked = post_captcha_form(browser_like, "/mot-de-passe-oublie", start, email=email)
    assert asked.status_code == 303
    mail = mail_server.wait_for_mail(email, count=sent + 1)[sent]
    link = re.search(r"https?://\S+/mot-de-passe-oublie/[\w-]+/code\?code=\d{6}", mail.body())
    assert link, mail.body()
    assert link.group(0).startswith(system.web_url)
    code_page = browser_like.get(link.group(0).removeprefix(system.web_url))
    assert code_page.status_code == 200
    check_screen("mot-de-passe-oublie-code", code_page.text)
    code = link.group(0).rsplit("=", 1)[1]
    assert f'value="{code}"' in code_page.text  # the e-mail's button fills the code in
    reset_path = link.group(0).removeprefix(system.web_url).split("?")[0]
    verified = browser_like.post(reset_path, data={"csrf_token": form_token(code_page.text), "code": code})
    assert verified.status_code == 303
    new_page = browser_like.get(verified.headers["location"])
    check_screen("mot-de-passe-oublie-nouveau", new_page.text)
    weak = browser_like.post(
        verified.headers["location"],
        data={"csrf_token": form_token(new_page.text), "password": "court", "password_confirmation": "court"},
    )
    assert weak.status_code == 422
    assert 'id="password-erreur"' in weak.text  # the message sits next to its field
    done = browser_like.post(
        verified.headers["location"],
        data={"csrf_token": form_token(new_page.text), "password": NEW_PASSWORD, "password_confirmation": NEW_PASSWORD},
    )
    assert done.status_code == 303
    assert log_in(browser_like, email, NEW_PASSWORD).headers["location"] == "/accueil"


def test_a_wrong_code_is_said_next_to_the_code_field(browser_like: httpx.Client) -> None:
    start = browser_like.get("/mot-de-passe-oublie")
    asked = post_captcha_form(browser_like, "/mot-de-passe-oublie", start, email=unique_email())
    code_path = asked.headers["location"]
    page = browser_like.get(code_path)
    wrong = browser_like.post(code_path, data={"csrf_token": form_token(page.text), "code": "000000"})
    assert wrong.status_code in (400, 422)
    assert 'id="code-erreur"' in wrong.text


def test_an_id_that_is_not_an_id_is_a_french_error_page(browser_like: httpx.Client) -> None:
    page = browser_like.get("/mot-de-passe-oublie/..%2F..%2Fsession/code")
    assert page.status_code in (400, 404)
    assert "Traceback" not in page.text
