"""Double authentification in Chromium with a passkey: enrolled from « Mon compte » on Chromium's
virtual authenticator (DevTools' WebAuthn domain), then the login's second step with it; axe-core
on the new pages (and the authenticator application's). WebAuthn refuses IP addresses: the test
system's relying party is `localhost` (IDENTITY_WEBAUTHN_RP_ID), so this journey opens the web
service at http://localhost:<its port>."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import CAPTCHA_TEST_ANSWER, RunningSystem
from tests.browser.screens import inspect_screen
from tests.e2e.journeys import PASSWORD, create_account, unique_email

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def _log_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/connexion")
    page.get_by_label("Identifiant (e-mail professionnel)").fill(email)
    page.get_by_label("Mot de passe", exact=False).first.fill(PASSWORD)
    page.get_by_label("Recopiez le code de sécurité").fill(CAPTCHA_TEST_ANSWER)
    page.get_by_role("button", name="Je m’identifie avec EFP CONNECT").click()


def test_a_person_enrols_a_passkey_and_logs_in_with_it(
    system: RunningSystem, page: Page, mail_server: MailRecorder, screenshots: Path
) -> None:
    email = unique_email()
    with system.client() as gateway:
        create_account(gateway, mail_server, email)
    base = system.web_url.replace("127.0.0.1", "localhost")
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    options = {"protocol": "ctap2", "transport": "internal", "hasResidentKey": True}
    added = devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {"options": {**options, "hasUserVerification": True, "isUserVerified": True}},
    )
    authenticator = {"authenticatorId": added["authenticatorId"]}

    _log_in(page, base, email)
    expect(page.get_by_text("Votre connexion est établie")).to_be_visible()
    page.goto(f"{base}/mon-compte")
    page.get_by_role("link", name="Gérer la double authentification").click()
    expect(page).to_have_title("Double authentification – EFP Connect")
    expect(page.get_by_role("button", name="Ajouter une clé d’accès")).to_be_visible()
    inspect_screen(page, screenshots, "double-authentification-1-mon-compte")
    page.get_by_label("Nom de la clé d’accès").fill("Ordinateur du bureau")
    page.get_by_role("button", name="Ajouter une clé d’accès").click()
    expect(page.get_by_text("La clé d’accès est ajoutée.")).to_be_visible()
    expect(page.get_by_role("heading", name="Vos codes de secours")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("Ordinateur du bureau")
    inspect_screen(page, screenshots, "double-authentification-2-cle-ajoutee")
    assert len(devtools.send("WebAuthn.getCredentials", authenticator)["credentials"]) == 1
    # The authenticator application's page too (the passkey just proved a fresh second factor).
    page.get_by_role("button", name="Configurer une application d’authentification").click()
    expect(page).to_have_title("Configurer une application d’authentification – EFP Connect")
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    inspect_screen(page, screenshots, "double-authentification-3-application")
    page.get_by_role("link", name="Annuler").click()
    expect(page).to_have_title("Double authentification – EFP Connect")

    page.get_by_role("button", name="Me déconnecter").first.click()
    expect(page).to_have_url(re.compile(r"/connexion"))
    _log_in(page, base, email)
    expect(page).to_have_title("Double authentification – EFP Connect")
    assert page.url.startswith(f"{base}/connexion/double-authentification")
    expect(page.get_by_label("Code à 6 chiffres")).to_have_attribute("autocomplete", "one-time-code")
    inspect_screen(page, screenshots, "double-authentification-4-seconde-etape")
    page.get_by_role("button", name="Utiliser une clé d’accès").click()
    expect(page.get_by_text("Votre connexion est établie")).to_be_visible()
    assert page.url == f"{base}/accueil"
