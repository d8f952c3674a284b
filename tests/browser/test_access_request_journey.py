"""« Demander l'accès » in Chromium (guide 000 §4): from « Vous n'avez pas accès au service
numérique CERES » to « Mes demandes d'accès » with the request pending; axe-core on each screen."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import CAPTCHA_TEST_ANSWER, RunningSystem
from tests.browser.screens import inspect_screen
from tests.e2e.access import Person, become_manager
from tests.e2e.journeys import PASSWORD, create_account, unique_email

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
SIREN, SIRET = "000010116", "00001011600010"  # « Centre de Formation Émeraude »


def test_a_collaborator_asks_for_access_and_follows_the_request(
    system: RunningSystem, page: Page, mail_server: MailRecorder, screenshots: Path
) -> None:
    manager = Person(system, mail_server, SIREN)  # a request goes to an access manager: there is one
    become_manager(system, manager, SIRET)
    email = unique_email()
    with system.client() as gateway:
        create_account(gateway, mail_server, email, siren=SIREN)
    page.goto(f"{system.web_url}/connexion")
    page.get_by_label("Identifiant (e-mail professionnel)").fill(email)
    page.get_by_label("Mot de passe", exact=False).first.fill(PASSWORD)
    page.get_by_label("Recopiez le code de sécurité").fill(CAPTCHA_TEST_ANSWER)
    page.get_by_role("button", name="Je m’identifie avec EFP CONNECT").click()
    page.get_by_role("link", name="Obtenir l’accès à CERES").click()
    page.get_by_role("link", name="Demander l’accès").click()
    expect(page).to_have_title("Demander l’accès à CERES – EFP Connect")
    inspect_screen(page, screenshots, "demande-1-formulaire")
    page.locator(
        "label", has_text="Centre de Formation Émeraude – Annecy"
    ).click()  # the DSFR draws the radio on its label
    page.get_by_label("Vous pouvez ajouter une description").fill("Je prépare les dossiers CERES du centre.")
    before = len(mail_server.mails_to(manager.email))
    page.get_by_role("button", name="Demander l’accès").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes demandes d’accès")
    expect(page.get_by_text("En attente").first).to_be_visible()
    inspect_screen(page, screenshots, "demande-2-mes-demandes")
    received = mail_server.wait_for_mail(manager.email, count=before + 1)[before]
    assert "Je prépare les dossiers CERES" in received.body()  # the manager is told, with the message
