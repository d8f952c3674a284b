"""The second factor through the pages, against the whole running system: an authenticator
application enrolled from « Mon compte » (the secret read from the page, the codes computed with
pyotp), then logins in two steps — a wrong code next to its field, the right one lands; a recovery
code works once; the second step never leads off-site; a manager's act asks for it again once
it is no longer fresh (step-up), then is done."""

import re
import time

import httpx
import pyotp
import pytest

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import RunningSystem
from tests.pages.browsing import Account, form_token, log_in
from tests.pages.catalogue import check_screen, check_screen_is
from tests.pages.management_setup import collaborator, manager_in_web

pytestmark = pytest.mark.e2e
PROVE = "/connexion/double-authentification"
SETTINGS = "/mon-compte/double-authentification"


def enrol_totp(client: httpx.Client) -> tuple[pyotp.TOTP, list[str]]:
    """« Configurer une application d'authentification » as a person does it: the secret copied from
    the page, a code from it; returns the authenticator and the ten recovery codes shown once."""
    page = client.get(SETTINGS)
    assert page.status_code == 200, page.text
    check_screen("mon-compte-double-authentification", page.text)
    assert f'href="{SETTINGS}"' in client.get("/mon-compte").text
    started = client.post(f"{SETTINGS}/application", data={"csrf_token": form_token(page.text)})
    assert started.status_code == 303, started.text
    shown = client.get(started.headers["location"])
    check_screen("mon-compte-double-authentification-application", shown.text)
    assert "<svg" in shown.text
    secret = re.search(r'id="cle-secrete">([A-Z2-7 ]+)<', shown.text)
    assert secret, shown.text
    totp = pyotp.TOTP(secret.group(1).replace(" ", ""))
    confirmed = client.post(
        f"{SETTINGS}/application/confirmer", data={"csrf_token": form_token(shown.text), "code": totp.now()}
    )
    assert confirmed.status_code == 303, confirmed.text
    enrolled = client.get(confirmed.headers["location"])
    codes = re.findall(r"<li><code>([^<]+)</code></li>", enrolled.text)
    assert len(codes) == 10, enrolled.text
    assert "Conservez ces codes" in enrolled.text
    assert codes[0] not in client.get(SETTINGS).text  # shown once
    return totp, codes


def log_out(client: httpx.Client) -> None:
    home = client.get("/mon-compte")
    assert client.post("/deconnexion", data={"csrf_token": form_token(home.text)}).status_code == 303


def second_step(client: httpx.Client, account: Account) -> httpx.Response:
    """The password step of an enrolled person: to the second-factor page."""
    logged = log_in(client, account.email, account.password)
    assert logged.status_code == 303, logged.text
    assert logged.headers["location"].startswith(f"{PROVE}?suite="), logged.headers["location"]
    page = client.get(logged.headers["location"])
    assert page.status_code == 200, page.text
    return page


def prove(client: httpx.Client, page: httpx.Response, suite: str = "", **fields: str) -> httpx.Response:
    method = "recovery_code" if "recovery_code" in fields else "totp"
    data = {"csrf_token": form_token(page.text), "suite": suite, "method": method, **fields}
    return client.post(PROVE, data=data)


def not_a_valid_code(totp: pyotp.TOTP) -> str:
    now = time.time()
    valid = {totp.at(now + shift) for shift in (-60, -30, 0, 30, 60)}
    return next(code for code in ("000000", "111111", "222222", "333333", "444444", "555555") if code not in valid)


def test_an_enrolled_person_logs_in_in_two_steps(browser_like: httpx.Client, account: Account) -> None:
    assert log_in(browser_like, account.email, account.password).status_code == 303
    totp, _ = enrol_totp(browser_like)
    log_out(browser_like)
    page = second_step(browser_like, account)
    check_screen("double-authentification", page.text)
    assert 'autocomplete="one-time-code"' in page.text
    assert browser_like.get("/accueil").status_code == 303  # a pending session opens nothing else…
    page = second_step(browser_like, account)  # … and going elsewhere ended it: the password again
    wrong = prove(browser_like, page, code=not_a_valid_code(totp))
    assert wrong.status_code == 422, wrong.text
    assert 'aria-describedby="code-erreur"' in wrong.text
    assert re.search(r'id="code-erreur" class="fr-error-text">[^<]*incorrect', wrong.text), wrong.text
    # The code of the next 30-second step: the one the enrolment used cannot be replayed.
    right = prove(browser_like, wrong, code=totp.at(time.time() + 30))
    assert right.status_code == 303, right.text
    assert right.headers["location"] == "/accueil"
    assert "Votre connexion est établie" in browser_like.get("/accueil").text


def test_a_recovery_code_works_once_and_the_second_step_stays_on_this_site(
    browser_like: httpx.Client, account: Account
) -> None:
    assert log_in(browser_like, account.email, account.password).status_code == 303
    _, codes = enrol_totp(browser_like)
    log_out(browser_like)
    page = second_step(browser_like, account)
    offsite = browser_like.get(f"{PROVE}?suite=https://evil.example/")
    assert "evil.example" not in offsite.text
    used = prove(browser_like, offsite, suite="//evil.example/", recovery_code=codes[0])
    assert used.status_code == 303, used.text
    assert used.headers["location"] == "/accueil"
    log_out(browser_like)
    page = second_step(browser_like, account)
    again = prove(browser_like, page, recovery_code=codes[0])
    assert again.status_code == 422, again.text
    assert 'id="recovery_code-erreur"' in again.text
    assert prove(browser_like, again, suite="/mon-compte", recovery_code=codes[1]).headers["location"] == "/mon-compte"
    status = browser_like.get(SETTINGS)
    assert "Il vous reste 8 codes de secours" in status.text


def test_the_second_factor_pages_need_a_login(browser_like: httpx.Client) -> None:
    for path in (PROVE, SETTINGS, f"{SETTINGS}/application"):
        answer = browser_like.get(path)
        assert answer.status_code in (302, 303, 307), path
        assert answer.headers["location"].startswith("/connexion?suite="), path


def test_a_manager_confirms_their_identity_before_appointing_a_manager_then_does_it(
    system: RunningSystem, browser_like: httpx.Client, mail_server: MailRecorder
) -> None:
    manager = manager_in_web(system, mail_server, browser_like)
    colleague = collaborator(system, mail_server, manager)
    _, codes = enrol_totp(browser_like)
    user_page = f"/gestion-des-acces/utilisateurs/{colleague.account_id}"
    # The second factor proved at the enrolment is fresh for 15 minutes: the services' clock moves past that.
    system.shift_clock(16 * 60)
    try:
        page = browser_like.get(user_page)
        asked = browser_like.post(f"{user_page}/responsable", data={"csrf_token": form_token(page.text)})
        assert asked.status_code == 303, asked.text
        assert asked.headers["location"] == f"{PROVE}?suite={user_page}&motif=action"
        confirm = browser_like.get(asked.headers["location"])
    finally:
        # Back to real time before the proof, so its freshness reads the same whichever clock each
        # service keeps (identity's second factor reads the real one, habilitation the shifted one).
        system.shift_clock(0)
    check_screen_is("double-authentification", confirm.text)  # only the person's own factors
    assert "Utiliser une clé d’accès" not in confirm.text
    assert "Pour cette action, confirmez votre identité" in confirm.text
    assert "Utiliser un code de secours" in confirm.text
    proved = prove(browser_like, confirm, suite=user_page, recovery_code=codes[0])
    assert proved.status_code == 303, proved.text
    assert proved.headers["location"] == user_page
    again = browser_like.get(user_page)
    done = browser_like.post(f"{user_page}/responsable", data={"csrf_token": form_token(again.text)})
    assert done.status_code == 303, done.text
    assert "fait=responsable-nomme" in done.headers["location"]
