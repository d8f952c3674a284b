"""An agent of the ministry in Chromium: « AGENT DU MINISTÈRE », the activation codes page, a code
issued for a SIRET and its letter downloaded; every screen checked by axe-core."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from devstack.pytest_plugin import AGENT_EMAIL, AGENT_PASSWORD, CAPTCHA_TEST_ANSWER, RunningSystem
from tests.browser.screens import inspect_screen

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
SIRET = "00003001500010"  # Institut des Métiers du Lin (the activation journey uses its other SIRET)


def test_an_agent_issues_a_code_and_downloads_its_letter(system: RunningSystem, page: Page, screenshots: Path) -> None:
    page.goto(f"{system.web_url}/connexion")
    page.get_by_role("link", name="AGENT DU MINISTÈRE").click()
    expect(page).to_have_title("Connexion des agents du ministère – EFP Connect")
    inspect_screen(page, screenshots, "agent-1-connexion")
    page.get_by_label("Identifiant (e-mail professionnel)").fill(AGENT_EMAIL)
    page.get_by_label("Mot de passe", exact=False).first.fill(AGENT_PASSWORD)
    page.get_by_label("Recopiez le code de sécurité").fill(CAPTCHA_TEST_ANSWER)
    page.get_by_role("button", name="Je m’identifie avec EFP CONNECT").click()
    page.get_by_role("link", name="Codes d’activation").click()
    expect(page).to_have_title("Codes d’activation – EFP Connect")
    inspect_screen(page, screenshots, "agent-2-codes")
    page.get_by_label("SIRET de l’établissement agréé").fill(SIRET)
    page.get_by_role("button", name="Émettre un code d’activation").click()
    expect(page.get_by_text("Code d’activation émis pour le SIRET")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("Valable")
    inspect_screen(page, screenshots, "agent-3-code-emis")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le courrier (PDF)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    assert Path(download.path()).read_bytes().startswith(b"%PDF")
