"""« Vous n'avez pas accès au service numérique CERES » in Chromium (guide 000 §3.2 steps 15–24):
the activation code of the posted letter, the charter, the self-habilitation and the CGU, on the
SIRENE sample's « Institut des Métiers du Lin »; every screen checked by axe-core."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import CAPTCHA_TEST_ANSWER, RunningSystem
from tests.browser.screens import inspect_screen
from tests.e2e.access import issue_code
from tests.e2e.journeys import PASSWORD, create_account, unique_email

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
SIREN, SIRET = "000030015", "00003001500028"


def test_a_person_activates_ceres_with_the_letters_code(
    system: RunningSystem, page: Page, mail_server: MailRecorder, screenshots: Path
) -> None:
    email = unique_email()
    with system.client() as gateway:
        create_account(gateway, mail_server, email, siren=SIREN)
    code = issue_code(system, SIRET)
    page.goto(f"{system.web_url}/connexion")
    page.get_by_label("Identifiant (e-mail professionnel)").fill(email)
    page.get_by_label("Mot de passe", exact=False).first.fill(PASSWORD)
    page.get_by_label("Recopiez le code de sécurité").fill(CAPTCHA_TEST_ANSWER)
    page.get_by_role("button", name="Je m’identifie avec EFP CONNECT").click()
    page.get_by_role("link", name="Obtenir l’accès à CERES").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vous n’avez pas accès au service numérique CERES.")
    inspect_screen(page, screenshots, "activation-1-sans-acces")
    page.get_by_role("link", name="Saisir le code d’activation").click()
    page.get_by_label("SIRET").fill(SIRET)
    page.get_by_label("Code d’activation").fill(code)
    inspect_screen(page, screenshots, "activation-2-code")
    page.get_by_role("button", name="Demander l’accès").click()
    expect(page).to_have_title("Charte du responsable des accès – EFP Connect")
    inspect_screen(page, screenshots, "activation-3-charte")
    # The DSFR draws the box over the input: a person ticks it by its label.
    page.get_by_text("J’accepte de devenir responsable des accès.", exact=True).click()
    expect(page.get_by_label("J’accepte de devenir responsable des accès.")).to_be_checked()
    page.get_by_role("button", name="Continuer").click()
    expect(page).to_have_title("Gestion de mes accès – EFP Connect")
    inspect_screen(page, screenshots, "activation-4-habilitation")
    # « Vérifiez que le nom de votre entreprise et le SIRET s'affichent bien »: the letter's SIRET.
    expect(page.get_by_label("Nom de l’établissement")).to_have_value(SIRET)
    page.get_by_label("Mon rôle").select_option("centre_agree")
    page.get_by_role("button", name="Ajouter l’habilitation").click()
    expect(page.get_by_role("table")).to_contain_text("Centre agréé")
    inspect_screen(page, screenshots, "activation-5-habilitations")
    page.get_by_role("link", name="Terminer").click()
    expect(page).to_have_title("Conditions générales d’utilisation de CERES – EFP Connect")
    inspect_screen(page, screenshots, "activation-6-cgu")
    page.get_by_text("J’ai lu et j’accepte les CGU", exact=True).click()
    expect(page.get_by_label("J’ai lu et j’accepte les CGU")).to_be_checked()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Votre connexion est établie")).to_be_visible()
    expect(page.get_by_role("link", name="Gérer les accès de mon entreprise")).to_be_visible()
    inspect_screen(page, screenshots, "activation-7-accueil")
    assert page.url == f"{system.web_url}/accueil"  # back home, as manager with access
