"""The web service's pages through the whole running system, without a browser: what they say,
the headers they carry, and the forms they refuse."""

import re

import httpx
import pytest

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import RunningSystem
from tests.e2e.journeys import PASSWORD, create_account, unique_email
from tests.pages.browsing import Account, captcha_id, form_token, log_in, post_captcha_form, web_browser
from tests.pages.catalogue import check_screen

pytestmark = pytest.mark.e2e


def test_login_page_shows_the_guides_fields(browser_like: httpx.Client) -> None:
    page = browser_like.get("/connexion")
    assert page.status_code == 200
    check_screen("connexion", page.text)
    check_screen("connexion-agent", browser_like.get("/connexion/agent").text)
    for text in (
        "Identifiant (e-mail professionnel)",
        "Mot de passe",
        "Afficher",
        "Réinitialiser mon mot de passe",
        "Code de sécurité",
        "Je m’identifie avec EFP CONNECT",
        "Je crée mon compte EFP Connect",
        "AGENT DU MINISTÈRE",
        "Accessibilité : non conforme",
        "N°Vert 0 805 032 430",
    ):
        assert text in page.text, text


def test_pages_carry_a_strict_policy_and_the_cookie_is_httponly(browser_like: httpx.Client) -> None:
    page = browser_like.get("/connexion")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert page.headers["referrer-policy"] == "no-referrer"
    cookie = page.headers["set-cookie"]
    assert "httponly" in cookie.lower()
    assert "samesite=lax" in cookie.lower()
    assert "efp_session" not in cookie  # the gateway session never reaches the browser


def test_the_captcha_image_comes_through_the_web_service(browser_like: httpx.Client) -> None:
    page = browser_like.get("/connexion")
    image = browser_like.get(f"/captcha/{captcha_id(page.text)}/image")
    assert image.status_code == 200
    assert image.headers["content-type"] == "image/png"
    assert image.content.startswith(b"\x89PNG")


def test_a_person_logs_in_and_out_through_the_pages(browser_like: httpx.Client, account: Account) -> None:
    answer = log_in(browser_like, account.email, account.password)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/accueil"
    assert "efp_session" not in answer.headers.get("set-cookie", "")
    home = browser_like.get("/accueil")
    assert home.status_code == 200
    check_screen("accueil", home.text)
    assert "Votre connexion est établie" in home.text
    logout = browser_like.post("/deconnexion", data={"csrf_token": form_token(home.text)})
    assert logout.status_code == 303
    after = browser_like.get("/accueil")
    assert after.status_code == 303
    assert after.headers["location"].startswith("/connexion?suite=/accueil")


def test_a_wrong_password_is_said_on_the_page_and_opens_nothing(browser_like: httpx.Client, account: Account) -> None:
    answer = log_in(browser_like, account.email, "not-the-password")
    assert answer.status_code in (400, 422)
    assert 'role="alert"' in answer.text
    assert browser_like.get("/accueil").status_code == 303


def test_a_wrong_security_code_is_shown_next_to_its_field(browser_like: httpx.Client, account: Account) -> None:
    answer = log_in(browser_like, account.email, account.password, answer="WRONG")
    assert answer.status_code in (400, 422)
    assert browser_like.get("/accueil").status_code == 303


def test_a_form_without_its_token_is_refused(browser_like: httpx.Client) -> None:
    browser_like.get("/connexion")
    answer = browser_like.post(
        "/connexion", data={"email": "someone@centre-formation.fr", "password": "Formation-Émeraude-2026"}
    )
    assert answer.status_code == 403
    assert "Formulaire expiré" in answer.text


def test_a_form_posted_from_another_site_is_refused(system: RunningSystem, browser_like: httpx.Client) -> None:
    page = browser_like.get("/connexion")
    answer = browser_like.post(
        "/connexion",
        data={
            "csrf_token": form_token(page.text),
            "email": "someone@centre-formation.fr",
            "password": "Formation-Émeraude-2026",
        },
        headers={"Origin": "https://evil.example"},
    )
    assert answer.status_code == 403


def test_after_login_the_person_returns_to_the_page_asked_but_never_elsewhere(
    browser_like: httpx.Client, account: Account
) -> None:
    page = browser_like.get("/connexion?suite=//evil.example/")
    answer = post_captcha_form(
        browser_like, "/connexion", page, email=account.email, password=account.password, suite="//evil.example/"
    )
    assert answer.headers["location"] == "/accueil"


def test_an_unknown_page_is_a_french_page_not_a_traceback(browser_like: httpx.Client) -> None:
    page = browser_like.get("/nulle-part")
    assert page.status_code == 404
    assert "Page non trouvée" in page.text


def test_the_ceres_terms_are_readable_from_the_footer(browser_like: httpx.Client) -> None:
    page = browser_like.get("/cgu/ceres")
    assert page.status_code == 200
    check_screen("cgu", page.text)
    assert '<h2 class="fr-h4">Conditions générales d&#39;utilisation du service CERES</h2>' in page.text
    assert browser_like.get("/cgu/inconnu").status_code == 404


def test_the_footer_pages_of_every_state_site(browser_like: httpx.Client) -> None:
    check_screen("accessibilite", browser_like.get("/accessibilite").text)
    check_screen("mentions-legales", browser_like.get("/mentions-legales").text)


def test_the_healthcheck_answers_without_opening_a_session(browser_like: httpx.Client) -> None:
    live = browser_like.get("/health/live")
    assert live.status_code == 200
    assert live.json() == {"status": "ok"}
    assert "set-cookie" not in live.headers


def test_a_page_says_how_its_time_splits_between_the_gateway_and_the_web_service(browser_like: httpx.Client) -> None:
    timing = browser_like.get("/connexion").headers["server-timing"]  # the page asks the gateway a captcha
    match = re.fullmatch(r'web;dur=([\d.]+), gateway;dur=([\d.]+);desc="(\d+) calls"', timing)
    assert match, timing
    assert int(match.group(3)) >= 1
    assert float(match.group(2)) > 0


def test_one_persons_login_leaves_another_persons_session_alone(
    system: RunningSystem, mail_server: MailRecorder, account: Account
) -> None:
    """Every browser shares the web service's one client of the gateway: it must keep no cookie
    (it once kept the last login's, closing the previous person's session at the next login)."""
    other = unique_email()
    with system.client() as gateway:
        create_account(gateway, mail_server, other)
    with web_browser(system) as first, web_browser(system) as second:
        assert log_in(first, account.email, account.password).status_code == 303
        assert log_in(second, other, PASSWORD).status_code == 303
        assert first.get("/accueil").status_code == 200
        assert second.get("/accueil").status_code == 200
        anonymous_login_page = httpx.get(f"{system.web_url}/connexion", timeout=15)
        assert anonymous_login_page.status_code == 200
        assert first.get("/accueil").status_code == 200
