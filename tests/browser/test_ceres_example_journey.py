"""The CERES example relying party (examples/ceres) in Chromium: a manager signs in to it with EFP Connect,
sees who they are and their habilitation, signs out (RP-initiated logout); and a logout on EFP Connect
itself ends the CERES session too (back-channel logout)."""

import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from devstack.ceres_example import start_ceres_example
from devstack.mail_recorder import MailRecorder
from devstack.processes import Stack
from devstack.pytest_plugin import CAPTCHA_TEST_ANSWER, OIDC_CERES_CLIENT, SERVICE_API_KEY, RunningSystem
from tests.browser.screens import inspect_screen
from tests.e2e.access import Person, become_manager
from tests.e2e.journeys import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
SIREN, SIRET = "000030080", "00003008000014"  # « Centre de Formation Tramontane », reserved for this file
SIGN_IN = "Je m’identifie avec EFP CONNECT"


@pytest.fixture(scope="module")
def ceres(system: RunningSystem) -> Iterator[str]:
    """The example, started as a ministry team would, on the port its dev client was registered with."""
    stack = Stack()
    client_id, secret = OIDC_CERES_CLIENT["client_id"], OIDC_CERES_CLIENT["client_secret"]
    try:
        api = (system.gateway_url, SERVICE_API_KEY)
        start_ceres_example(stack, system.web_url, client_id, secret, system.ceres_port, system.log_dir, api)
        yield f"http://127.0.0.1:{system.ceres_port}"
    finally:
        stack.stop()


@pytest.fixture(scope="module")
def manager(system: RunningSystem, mail_server: MailRecorder) -> Person:
    person = Person(system, mail_server, SIREN)
    become_manager(system, person, SIRET)  # an active CERES habilitation: gestionnaire_centres on SIRET
    return person


def _sign_in_through_efp_connect(page: Page, ceres: str, email: str) -> None:
    page.goto(f"{ceres}/")
    expect(page.get_by_role("heading", name="CERES — CERTification Emplois")).to_be_visible()
    for offered in ("Je crée mon compte EFP CONNECT", "AGENT DU MINISTÈRE"):
        expect(page.get_by_text(offered, exact=True)).to_be_visible()
    page.get_by_role("button", name=SIGN_IN).click()
    expect(page).to_have_title("Connexion – EFP Connect")
    page.get_by_label("Identifiant (e-mail professionnel)").fill(email)
    page.get_by_label("Mot de passe", exact=False).first.fill(PASSWORD)
    page.get_by_label("Recopiez le code de sécurité").fill(CAPTCHA_TEST_ANSWER)
    # The button, not Enter: before web.js has loaded, Enter means « Afficher un nouveau code ».
    page.get_by_role("button", name=SIGN_IN).click()
    expect(page.get_by_role("heading", name="Bonjour Anaïs Lefèvre-Dubois")).to_be_visible()


def test_a_manager_signs_in_to_ceres_with_efp_connect_then_signs_out(
    system: RunningSystem, ceres: str, manager: Person, page: Page, screenshots: Path
) -> None:
    _sign_in_through_efp_connect(page, ceres, manager.email)
    assert page.url == f"{ceres}/"
    expect(page.get_by_text(manager.email)).to_be_visible()
    expect(page.get_by_text("Centre de Formation Tramontane (SIREN 000030080)")).to_be_visible()
    habilitation = page.get_by_role("row").filter(has_text=SIRET)
    expect(habilitation).to_contain_text("Gestionnaire CENTRES")
    expect(habilitation).to_contain_text("sans date de fin")
    expect(page.get_by_text("Votre connexion est établie")).to_be_visible()
    # CERES asked EFP Connect, with its service key, whether the person may act on the establishment now.
    expect(page.locator("#controle")).to_contain_text(f"Établissement {SIRET}, rôle Gestionnaire CENTRES")
    expect(page.locator("#controle")).to_contain_text("accès autorisé")
    inspect_screen(page, screenshots, "ceres-connecte")
    page.get_by_role("button", name="Me déconnecter").click()
    expect(page.get_by_role("button", name=SIGN_IN)).to_be_visible()
    assert page.url.startswith(f"{ceres}/")
    page.goto(f"{system.web_url}/accueil")  # the EFP Connect session ended as well
    expect(page).to_have_url(re.compile(r"/connexion"))


def test_a_logout_on_efp_connect_ends_the_ceres_session(
    system: RunningSystem, ceres: str, manager: Person, page: Page
) -> None:
    _sign_in_through_efp_connect(page, ceres, manager.email)
    page.goto(f"{system.web_url}/accueil")
    page.get_by_role("button", name="Me déconnecter").first.click()
    expect(page).to_have_url(re.compile(r"/connexion"))
    deadline = time.monotonic() + 15  # the logout token is sent at once, retried if CERES did not answer
    while True:
        page.goto(f"{ceres}/")
        if page.get_by_role("button", name=SIGN_IN).count() or time.monotonic() > deadline:
            break
        page.wait_for_timeout(500)
    assert page.get_by_role("button", name=SIGN_IN).count() == 1
    expect(page.get_by_role("heading", name=re.compile("Bonjour"))).to_have_count(0)


def test_an_error_from_efp_connect_is_a_french_message_not_a_crash(ceres: str) -> None:
    answer = httpx.get(f"{ceres}/callback", params={"error": "access_denied", "state": "x"})
    assert answer.status_code == 400
    assert "La connexion a été refusée ou annulée" in answer.text


def test_a_forged_logout_token_is_refused(ceres: str) -> None:
    answer = httpx.post(f"{ceres}/backchannel-logout", data={"logout_token": "e30.e30.AAAA"})
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_request"
