"""Login and logout in Chromium, as a person does it: by the visible French labels."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from devstack.pytest_plugin import AGENT_EMAIL, AGENT_PASSWORD, CAPTCHA_TEST_ANSWER, RunningSystem
from tests.browser.screens import inspect_screen

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def test_an_agent_logs_in_sees_the_profile_panel_and_logs_out(
    system: RunningSystem, page: Page, screenshots: Path
) -> None:
    page.goto(f"{system.web_url}/connexion")
    expect(page).to_have_title("Connexion – EFP Connect")
    inspect_screen(page, screenshots, "connexion")
    page.get_by_label("Identifiant (e-mail professionnel)").fill(AGENT_EMAIL)
    page.get_by_label("Mot de passe", exact=False).first.fill(AGENT_PASSWORD)
    page.get_by_label("Recopiez le code de sécurité").fill(CAPTCHA_TEST_ANSWER)
    # Enter logs in: not the form's first button, « Afficher un nouveau code » (web.js).
    page.get_by_label("Recopiez le code de sécurité").press("Enter")
    expect(page.get_by_text("Votre connexion est établie")).to_be_visible()
    assert page.url == f"{system.web_url}/accueil"
    expect(page.get_by_role("link", name="Gérer mon compte")).to_be_visible()
    inspect_screen(page, screenshots, "accueil")
    page.get_by_role("button", name="Me déconnecter").first.click()
    expect(page).to_have_url(re.compile(r"/connexion"))


def test_a_wrong_password_is_announced_on_the_login_page(system: RunningSystem, page: Page) -> None:
    page.goto(f"{system.web_url}/connexion")
    page.get_by_label("Identifiant (e-mail professionnel)").fill(AGENT_EMAIL)
    page.get_by_label("Mot de passe", exact=False).first.fill("wrong-password-123")
    page.get_by_label("Recopiez le code de sécurité").fill(CAPTCHA_TEST_ANSWER)
    page.get_by_role("button", name="Je m’identifie avec EFP CONNECT").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page).to_have_title("Connexion – EFP Connect")
    assert "/accueil" not in page.url
