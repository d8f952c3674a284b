"""A person's own data in Chromium (issue 15), from « Mon compte »: the e-mail address changed with the code
read from the SMTP recorder, the data downloaded as a JSON file, then the account deleted; every screen
checked by axe-core, the public « Données personnelles » included."""

import json
import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import CAPTCHA_TEST_ANSWER, RunningSystem
from tests.browser.screens import inspect_screen
from tests.e2e.journeys import PASSWORD, create_account, unique_email

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def _code_in(body: str) -> str:
    found = re.search(r"^\s*(\d{6})\s*$", body, re.MULTILINE) or re.search(r"\b(\d{6})\b", body)
    assert found, body
    return found.group(1)


def test_a_person_changes_the_address_downloads_the_data_and_deletes_the_account(
    system: RunningSystem, page: Page, mail_server: MailRecorder, screenshots: Path
) -> None:
    email = unique_email()
    new_email = f"nouvelle.{uuid.uuid4().hex[:10]}@centre-formation.fr"
    with system.client() as gateway:
        create_account(gateway, mail_server, email)
    page.goto(f"{system.web_url}/connexion")
    page.get_by_label("Identifiant (e-mail professionnel)").fill(email)
    page.get_by_label("Mot de passe", exact=False).first.fill(PASSWORD)
    page.get_by_label("Recopiez le code de sécurité").fill(CAPTCHA_TEST_ANSWER)
    page.get_by_role("button", name="Je m’identifie avec EFP CONNECT").click()
    expect(page.get_by_text("Votre connexion est établie")).to_be_visible()

    # « Modifier mon adresse e-mail »: the new address and the password, then the code sent to it.
    page.goto(f"{system.web_url}/mon-compte")
    page.get_by_role("link", name="Modifier mon adresse e-mail").click()
    expect(page).to_have_title("Modifier mon adresse e-mail – EFP Connect")
    inspect_screen(page, screenshots, "donnees-1-adresse")
    page.get_by_label("Nouvelle adresse e-mail").fill(new_email)
    page.get_by_label("Mot de passe actuel", exact=False).first.fill(PASSWORD)
    page.get_by_role("button", name="Recevoir un code").click()
    expect(page).to_have_title("Saisissez le code – EFP Connect")
    expect(page.get_by_text(new_email)).to_be_visible()
    inspect_screen(page, screenshots, "donnees-2-code")
    page.get_by_label("Code reçu par e-mail").fill(_code_in(mail_server.wait_for_mail(new_email)[-1].body()))
    page.get_by_role("button", name="Valider").click()
    expect(page).to_have_title("Mon compte – EFP Connect")
    expect(page.get_by_text("Votre adresse e-mail a été modifiée")).to_be_visible()
    expect(page.get_by_text(new_email)).to_be_visible()
    inspect_screen(page, screenshots, "donnees-3-adresse-modifiee")

    # « Télécharger mes données »: what the file holds, then the file.
    page.get_by_role("link", name="Télécharger mes données").first.click()
    expect(page).to_have_title("Télécharger mes données – EFP Connect")
    inspect_screen(page, screenshots, "donnees-4-telecharger")
    with page.expect_download() as download_info:
        page.get_by_role("main").get_by_role("link", name="Télécharger mes données").click()
    download = download_info.value
    assert re.fullmatch(r"efp-connect-mes-donnees-\d{4}-\d{2}-\d{2}\.json", download.suggested_filename)
    data = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert data["identity"]["account"]["email"] == new_email

    # « Données personnelles », from the footer.
    page.get_by_role("contentinfo").get_by_role("link", name="Données personnelles").click()
    expect(page).to_have_title("Données personnelles – EFP Connect")
    expect(page.get_by_role("table")).to_contain_text("Combien de temps")
    inspect_screen(page, screenshots, "donnees-5-donnees-personnelles")

    # « Supprimer mon compte »: the password, the confirmation, then the public page.
    page.goto(f"{system.web_url}/mon-compte")
    page.get_by_role("link", name="Supprimer mon compte").click()
    expect(page).to_have_title("Supprimer mon compte – EFP Connect")
    inspect_screen(page, screenshots, "donnees-6-supprimer")
    page.get_by_label("Mot de passe actuel", exact=False).first.fill(PASSWORD)
    page.get_by_text("Je comprends que cette suppression est définitive").click()
    page.get_by_role("button", name="Supprimer définitivement mon compte").click()
    expect(page).to_have_title("Votre compte a été supprimé – EFP Connect")
    inspect_screen(page, screenshots, "donnees-7-compte-supprime")
    page.goto(f"{system.web_url}/mon-compte")
    expect(page).to_have_title("Connexion – EFP Connect")
