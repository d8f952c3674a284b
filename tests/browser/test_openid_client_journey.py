"""A certified relying party (openid-client) signs a person in with EFP Connect in Chromium, then out."""

import html
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, Request, Route, expect

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import CAPTCHA_TEST_ANSWER, OIDC_TEST_CLIENT, RunningSystem
from tests.browser.screens import inspect_screen
from tests.e2e.access import Person, become_manager
from tests.e2e.journeys import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
ROOT = Path(__file__).resolve().parents[2]
RP = ROOT / "tests/oidc/openid_client_rp.mjs"
MISTRAL_SIREN, MISTRAL_SIRET = "000030072", "00003007200011"  # this file's own SIRENE organisation
HOME, CALLBACK, LOGGED_OUT = "http://rp.test/", "http://rp.test/callback", "http://rp.test/logged-out"
SCOPE = "openid email profile organization habilitations"


def relying_party(*argv: str) -> dict[str, Any]:
    """One step of tests/oidc/openid_client_rp.mjs: its JSON answer."""
    node = shutil.which("node")
    assert node, "Node.js is needed to run openid-client"
    result = subprocess.run([node, str(RP), *argv], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.stdout, result.stderr
    answer: dict[str, Any] = json.loads(result.stdout)
    assert "error" not in answer, answer
    assert result.returncode == 0, result.stderr
    return answer


class Application:
    """The relying party's side: its pages at http://rp.test are Playwright routes, never a server."""

    def __init__(self, system: RunningSystem, page: Page) -> None:
        self.system, self.page = system, page
        self.link = ("", "")
        self.visited: list[str] = []  # the application's pages the browser reached
        self.navigations: list[str] = []  # every document request, redirect hops included
        page.route("http://rp.test/**", self._serve)
        page.on("request", self._record)

    def _record(self, request: Request) -> None:
        if request.is_navigation_request():
            self.navigations.append(request.url)

    def _serve(self, route: Route) -> None:
        url = route.request.url
        self.visited.append(url)
        # The application's home page holds the link to follow; every other page is a bare landing.
        link = f'<a href="{html.escape(self.link[1])}">{self.link[0]}</a>' if url == HOME else ""
        page = f"<!doctype html><title>RP</title>{link}"
        route.fulfill(
            status=200, content_type="text/html; charset=utf-8", headers={"Cache-Control": "no-store"}, body=page
        )

    def follow(self, name: str, url: str) -> None:
        """The person clicks a link of the application's home page. (Playwright's routes miss a redirect
        to rp.test at the end of a `page.goto`, not one at the end of a navigation the page starts.)"""
        self.link = (name, url)
        self.page.goto(HOME)
        self.page.get_by_role("link", name=name).click()

    def credentials(self) -> tuple[str, str, str]:
        return self.system.web_url, OIDC_TEST_CLIENT["client_id"], OIDC_TEST_CLIENT["client_secret"]

    def start(self) -> dict[str, Any]:
        request = relying_party("start", *self.credentials(), CALLBACK, SCOPE)
        self.follow("Se connecter avec EFP Connect", request["url"])
        return request

    def landed(self, prefix: str) -> str:
        """The URL the browser last reached at the application, once it starts with `prefix`."""
        expect(self.page).to_have_url(re.compile("^" + re.escape(prefix)))
        assert self.visited, "the browser never reached the application"
        assert self.visited[-1].startswith(prefix), self.visited
        return self.visited[-1]

    def finish(self, request: dict[str, Any]) -> dict[str, Any]:
        callback = self.landed(CALLBACK + "?")
        return relying_party(
            "finish", *self.credentials(), callback, request["code_verifier"], request["state"], request["nonce"]
        )


@pytest.fixture(scope="module")
def manager(system: RunningSystem, mail_server: MailRecorder) -> Iterator[Person]:
    person = Person(system, mail_server, MISTRAL_SIREN)
    become_manager(system, person, MISTRAL_SIRET)
    try:
        yield person
    finally:
        person.http.close()


def log_in(page: Page, email: str) -> None:
    page.get_by_label("Identifiant (e-mail professionnel)").fill(email)
    page.get_by_label("Mot de passe", exact=False).first.fill(PASSWORD)
    page.get_by_label("Recopiez le code de sécurité").fill(CAPTCHA_TEST_ANSWER)
    page.get_by_label("Recopiez le code de sécurité").press("Enter")


def expect_login_page(page: Page, system: RunningSystem) -> None:
    expect(page).to_have_title("Connexion – EFP Connect")
    assert page.url.startswith(f"{system.web_url}/connexion")
    expect(page.get_by_label("Identifiant (e-mail professionnel)")).to_be_visible()


def assert_person_claims(claims: dict[str, Any], person: Person) -> None:
    assert claims["email"] == person.email
    assert (claims["given_name"], claims["family_name"]) == ("Anaïs", "Lefèvre-Dubois")
    assert claims["siren"] == MISTRAL_SIREN
    habilitations = claims["habilitations"]
    assert any(h["siret"] == MISTRAL_SIRET and "gestionnaire" in h["role"] for h in habilitations), habilitations


def test_openid_client_signs_in_with_sso_then_signs_out(
    system: RunningSystem, page: Page, manager: Person, screenshots: Path
) -> None:
    app = Application(system, page)

    # First sign-in: the application sends the person to EFP Connect's login page.
    first = app.start()
    expect_login_page(page, system)
    inspect_screen(page, screenshots, "oidc-connexion")
    log_in(page, manager.email)
    signed_in = app.finish(first)
    assert parse_qs(urlsplit(app.visited[-1]).query)["iss"] == [system.web_url]  # RFC 9207
    claims = signed_in["id_token_claims"]
    assert claims["iss"] == system.web_url
    assert claims["aud"] in (OIDC_TEST_CLIENT["client_id"], [OIDC_TEST_CLIENT["client_id"]])
    assert claims["nonce"] == first["nonce"]
    assert claims["amr"] == ["pwd"]
    assert claims["auth_time"] <= claims["iat"]
    assert_person_claims(claims, manager)
    userinfo = signed_in["userinfo"]
    assert userinfo["sub"] == claims["sub"]
    assert_person_claims(userinfo, manager)
    assert userinfo["email_verified"] is True
    # Revoked, the access token opens nothing any more.
    assert signed_in["revoked"] is True, signed_in["userinfo_after_revocation"]
    assert signed_in["userinfo_after_revocation"]["error"] == "invalid_token"

    # Second sign-in in the same browser: single sign-on, no login page, the same person.
    app.navigations.clear()
    second = app.start()
    again = app.finish(second)
    assert again["id_token_claims"]["sub"] == claims["sub"]
    assert again["id_token_claims"]["auth_time"] == claims["auth_time"]
    assert not any("/connexion" in url for url in app.navigations), app.navigations

    # Logout asked by the application with its ID token: straight back to it, the session ended.
    app.follow("Se déconnecter", again["end_session_url"])
    assert app.landed(LOGGED_OUT) == LOGGED_OUT
    app.start()
    expect_login_page(page, system)
