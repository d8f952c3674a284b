"""« Je crée mon compte EFP Connect » in Chromium with the keyboard alone (Tab, typing, Enter, Space; no
mouse), the code read from the real e-mail, then a login and « Mon compte »; every screen checked by axe-core."""

from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import CAPTCHA_TEST_ANSWER, RunningSystem
from tests.browser.screens import inspect_screen
from tests.e2e.journeys import EMERAUDE_SIREN, PASSWORD, code_in, unique_email

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
STEP = "Je crée mon compte EFP Connect : étape {} sur 5 – EFP Connect"


def tab_to(page: Page, target: Locator, most: int = 80) -> None:
    """Tab until the target has the focus, as a keyboard user does (Shift+Tab never needed here)."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{target} never gets the focus with Tab")


def type_into(page: Page, target: Locator, text: str) -> None:
    tab_to(page, target)
    page.keyboard.type(text)


def test_a_person_creates_an_account_with_the_keyboard_alone(
    system: RunningSystem, page: Page, mail_server: MailRecorder, screenshots: Path
) -> None:
    email = unique_email()
    page.goto(f"{system.web_url}/connexion")
    tab_to(page, page.get_by_role("link", name="Je crée mon compte EFP Connect"))
    page.keyboard.press("Enter")

    expect(page).to_have_title(STEP.format(1))
    inspect_screen(page, screenshots, "inscription-1-adresse")
    type_into(page, page.get_by_label("Identifiant (e-mail professionnel)"), email)
    type_into(page, page.get_by_label("Recopiez le code de sécurité"), CAPTCHA_TEST_ANSWER)
    # Enter in a field would submit the first button of the form, « Afficher un nouveau code »: Tab on.
    tab_to(page, page.get_by_role("button", name="Suivant"))
    page.keyboard.press("Enter")

    expect(page).to_have_title(STEP.format(2))
    expect(page.get_by_text(f"E-mail : {email}")).to_be_visible()
    inspect_screen(page, screenshots, "inscription-2-code")
    code = code_in(mail_server.wait_for_mail(email)[0].body())
    type_into(page, page.get_by_label("Code de validation reçu par e-mail"), code)
    page.keyboard.press("Enter")  # « Suivant »: « Envoyer le code » belongs to another form

    expect(page).to_have_title(STEP.format(3))
    type_into(page, page.get_by_label("Mot de passe", exact=False).first, PASSWORD)
    expect(page.locator("[data-password-rule=length]")).to_have_class("fr-message fr-message--valid")
    type_into(page, page.get_by_label("Confirmation du mot de passe", exact=False).first, PASSWORD)
    inspect_screen(page, screenshots, "inscription-3-mot-de-passe")
    page.keyboard.press("Enter")

    expect(page).to_have_title(STEP.format(4))
    inspect_screen(page, screenshots, "inscription-4-identite")
    tab_to(page, page.get_by_label("Madame"))
    page.keyboard.press("ArrowRight")  # arrows move within the radios: « Monsieur »
    expect(page.get_by_label("Monsieur")).to_be_checked()
    type_into(page, page.get_by_label("Nom", exact=True), "Dupont")
    type_into(page, page.get_by_label("Prénom"), "Jean")
    page.keyboard.press("Enter")

    expect(page).to_have_title(STEP.format(5))
    expect(page.get_by_text("M. JEAN DUPONT")).to_be_visible()
    type_into(page, page.get_by_label("Poste occupé"), "DRH")
    type_into(page, page.get_by_label("Raison sociale ou SIREN", exact=False), EMERAUDE_SIREN)
    page.keyboard.press("Enter")  # the form's first button: « Rechercher », what was typed stays
    expect(page.get_by_text("1 résultat affiché sur 1")).to_be_visible()
    expect(page.get_by_role("radio")).to_be_checked()
    expect(page.get_by_label("Poste occupé")).to_have_value("DRH")
    tab_to(page, page.get_by_label("J’accepte les conditions générales d’utilisation"))
    page.keyboard.press("Space")
    inspect_screen(page, screenshots, "inscription-5-organisation")
    tab_to(page, page.get_by_role("button", name="Créer mon compte"))
    page.keyboard.press("Enter")

    expect(page).to_have_title("Votre compte EFP Connect est créé – EFP Connect")
    inspect_screen(page, screenshots, "inscription-compte-cree")
    tab_to(page, page.get_by_role("link", name="Se connecter"))
    page.keyboard.press("Enter")
    expect(page).to_have_title("Connexion – EFP Connect")

    # The new account opens, and its « Mon compte » pages pass axe-core too.
    type_into(page, page.get_by_label("Identifiant (e-mail professionnel)"), email)
    type_into(page, page.get_by_label("Mot de passe", exact=False).first, PASSWORD)
    type_into(page, page.get_by_label("Recopiez le code de sécurité"), CAPTCHA_TEST_ANSWER)
    tab_to(page, page.get_by_role("button", name="Je m’identifie avec EFP CONNECT"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Votre connexion est établie")).to_be_visible()
    tab_to(page, page.get_by_role("link", name="Gérer mon compte"))
    page.keyboard.press("Enter")
    expect(page).to_have_title("Mon compte – EFP Connect")
    expect(page.get_by_text(email, exact=True)).to_be_visible()
    inspect_screen(page, screenshots, "mon-compte")
    for name, title in [("Mes habilitations", "Mes habilitations"), ("Mes messages", "Mes messages")]:
        tab_to(page, page.get_by_role("link", name=name, exact=True))
        page.keyboard.press("Enter")
        expect(page).to_have_title(f"{title} – EFP Connect")
        inspect_screen(page, screenshots, title.lower().replace(" ", "-"))
    assert page.url.endswith("/mon-compte/messages")  # the keyboard alone led all the way
