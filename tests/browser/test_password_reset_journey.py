"""« Réinitialiser mon mot de passe » in Chromium, from the login page's link to a login with the new
password, following the button of the real e-mail; every screen checked by axe-core."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import CAPTCHA_TEST_ANSWER, RunningSystem
from tests.browser.screens import inspect_screen
from tests.e2e.journeys import create_account, unique_email

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
NEW_PASSWORD = "Nouveau-Mot-de-passe-2026!"


def test_a_person_resets_the_password_and_logs_in_with_it(
    system: RunningSystem, page: Page, mail_server: MailRecorder, screenshots: Path
) -> None:
    email = unique_email()
    with system.client() as gateway:
        create_account(gateway, mail_server, email)
    sent = len(mail_server.mails_to(email))
    page.goto(f"{system.web_url}/connexion")
    page.get_by_role("link", name="Réinitialiser mon mot de passe").click()
    expect(page).to_have_title("Réinitialiser mon mot de passe – EFP Connect")
    inspect_screen(page, screenshots, "reinitialisation-1-adresse")
    page.get_by_label("Identifiant (e-mail professionnel)").fill(email)
    page.get_by_label("Recopiez le code de sécurité").fill(CAPTCHA_TEST_ANSWER)
    page.get_by_role("button", name="Recevoir un code").click()
    expect(page).to_have_title("Code de réinitialisation – EFP Connect")
    inspect_screen(page, screenshots, "reinitialisation-2-code")
    mail = mail_server.wait_for_mail(email, count=sent + 1)[sent]
    link = re.search(r"https?://\S+/mot-de-passe-oublie/[\w-]+/code\?code=\d{6}", mail.body())
    assert link, mail.body()
    page.goto(link.group(0))  # « Réinitialiser mon mot de passe », the e-mail's button
    page.get_by_role("button", name="Valider").click()
    expect(page).to_have_title("Nouveau mot de passe – EFP Connect")
    page.get_by_label("Nouveau mot de passe", exact=False).first.fill(NEW_PASSWORD)
    page.get_by_label("Confirmation du mot de passe", exact=False).first.fill(NEW_PASSWORD)
    inspect_screen(page, screenshots, "reinitialisation-3-mot-de-passe")
    page.get_by_role("button", name="Enregistrer mon mot de passe").click()
    expect(page).to_have_title("Connexion – EFP Connect")
    page.get_by_label("Identifiant (e-mail professionnel)").fill(email)
    page.get_by_label("Mot de passe", exact=False).first.fill(NEW_PASSWORD)
    page.get_by_label("Recopiez le code de sécurité").fill(CAPTCHA_TEST_ANSWER)
    page.get_by_role("button", name="Je m’identifie avec EFP CONNECT").click()
    expect(page.get_by_text("Votre connexion est établie")).to_be_visible()
