"""« Codes d'activation » of the agents through the pages: issue a code for a SIRET (shown once,
its PDF letter), list a SIRET's codes, revoke one; anyone else is refused."""

import re
from collections.abc import Iterator

import httpx
import pytest

from devstack.pytest_plugin import AGENT_EMAIL, AGENT_PASSWORD, RunningSystem
from tests.pages.browsing import Account, form_token, log_in, post_captcha_form, web_browser
from tests.pages.catalogue import check_screen

pytestmark = pytest.mark.e2e
SIRET = "00003000700025"  # Aubépine Marseille (the activation tests use its other SIRET)


@pytest.fixture(scope="module")
def agent_pages(system: RunningSystem) -> Iterator[httpx.Client]:
    """The bootstrap agent logged in once for the module: its logins are limited per address."""
    with web_browser(system) as client:
        page = client.get("/connexion/agent")

        answer = post_captcha_form(
            client,
            "/connexion/agent",
            page,
            email=AGENT_EMAIL,
            password=AGENT_PASSWORD,
            suite="/agent/codes-activation",
        )
        assert answer.headers["location"] == "/agent/codes-activation", answer.text
        yield client


def test_an_agent_issues_a_code_downloads_its_letter_and_revokes_it(agent_pages: httpx.Client) -> None:
    page = agent_pages.get("/agent/codes-activation")
    assert page.status_code == 200
    check_screen("agent-codes-activation", page.text)
    bad = agent_pages.post("/agent/codes-activation", data={"csrf_token": form_token(page.text), "siret": "123"})
    assert bad.status_code == 422
    assert 'id="siret-erreur"' in bad.text
    issued = agent_pages.post("/agent/codes-activation", data={"csrf_token": form_token(page.text), "siret": SIRET})
    assert issued.status_code == 303, issued.text
    shown = agent_pages.get(issued.headers["location"])
    code = re.search(r"Code d’activation : <strong[^>]*>([A-Z0-9]{12})</strong>", shown.text)
    assert code, shown.text
    assert "Valable" in shown.text
    letter_link = re.search(r'href="(/agent/codes-activation/[\w-]+/courrier)"', shown.text)
    assert letter_link
    letter = agent_pages.get(letter_link.group(1))
    assert letter.status_code == 200
    assert letter.headers["content-type"] == "application/pdf"
    assert letter.headers["content-disposition"].startswith("attachment; filename=")
    assert letter.content.startswith(b"%PDF")
    again = agent_pages.get(issued.headers["location"])
    assert code.group(1) not in again.text  # the code in clear is shown once
    revoke = re.search(r'action="(/agent/codes-activation/[\w-]+/revoquer)"', again.text)
    assert revoke
    revoked = agent_pages.post(revoke.group(1), data={"csrf_token": form_token(again.text), "siret": SIRET})
    assert revoked.status_code == 303
    after = agent_pages.get(revoked.headers["location"])
    assert "Le code d’activation est révoqué" in after.text
    assert "Révoqué" in after.text


def test_a_person_who_is_not_an_agent_cannot_use_the_agents_pages(browser_like: httpx.Client, account: Account) -> None:
    log_in(browser_like, account.email, account.password)
    page = browser_like.get("/agent/codes-activation")
    assert page.status_code == 403
    assert "réservée aux agents du ministère" in page.text
    home = browser_like.get("/accueil")
    posted = browser_like.post("/agent/codes-activation", data={"csrf_token": form_token(home.text), "siret": SIRET})
    assert posted.status_code == 403
    assert browser_like.get("/agent/codes-activation/abc/courrier").status_code == 403
