"""« Gestion des accès » in Chromium (guide 000 §6.1, §6.4; 001 part B): a collaborator's access
request validated by the manager (the requester gets the e-mail), a habilitation and the access
manager right removed, then a delegation and the messages history; axe-core on every screen."""

import datetime
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import CAPTCHA_TEST_ANSWER, RunningSystem
from tests.browser.screens import inspect_screen
from tests.e2e.access import Person, become_manager
from tests.e2e.journeys import PASSWORD
from tests.pages.management_setup import unique_word

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
# « Campus des Compétences Pyrénées », reserved for this journey in the SIRENE sample.
SIREN, FIRST, SECOND = "000030031", "00003003100017", "00003003100025"


def _named(system: RunningSystem, mail_server: MailRecorder, siren: str) -> tuple[Person, str]:
    person = Person(system, mail_server, siren)
    last_name = f"Isard-{unique_word()}"
    assert person.http.patch("/api/v1/me", json={"last_name": last_name}).status_code == 200
    return person, last_name


def test_a_manager_validates_a_request_removes_rights_and_delegates(
    system: RunningSystem, page: Page, mail_server: MailRecorder, screenshots: Path
) -> None:
    manager = Person(system, mail_server, SIREN)
    become_manager(system, manager, FIRST)
    requester, last_name = _named(system, mail_server, SIREN)
    asked = requester.http.post("/api/v1/access-requests", json={"service": "ceres", "siret": FIRST})
    assert asked.status_code == 201, asked.text
    colleague, colleague_name = _named(system, mail_server, SIREN)
    assert manager.http.put(f"/api/v1/organisations/{SIREN}/managers/{colleague.account_id}").status_code == 200
    outsider = Person(system, mail_server, "000010116")

    page.goto(f"{system.web_url}/connexion")
    page.get_by_label("Identifiant (e-mail professionnel)").fill(manager.email)
    page.get_by_label("Mot de passe", exact=False).first.fill(PASSWORD)
    page.get_by_label("Recopiez le code de sécurité").fill(CAPTCHA_TEST_ANSWER)
    page.get_by_role("button", name="Je m’identifie avec EFP CONNECT").click()
    page.get_by_role("link", name="Gérer les demandes d’accès").click()
    expect(page).to_have_title("Gestion des accès – Demandes d’accès – EFP Connect")
    inspect_screen(page, screenshots, "gestion-demandes")

    # Guide 000 §6.1 steps 7–13: validate with the establishment and « Centre agréé », then « Terminer ».
    page.get_by_role("link", name=f"Traiter la demande de Anaïs {last_name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Demande d’accès")
    inspect_screen(page, screenshots, "gestion-demande")
    page.get_by_label("Nom de l’établissement").select_option(FIRST)
    page.get_by_label("Rôle").select_option(label="Centre agréé")
    page.get_by_role("button", name="Ajouter l’habilitation").click()
    expect(page.get_by_text("Centre agréé – ")).to_be_visible()
    sent = len(mail_server.mails_to(requester.email))
    page.get_by_role("button", name="Terminer").click()
    expect(page.get_by_text("La demande d’accès a été validée")).to_be_visible()
    mail_server.wait_for_mail(requester.email, count=sent + 1)
    assert [h["role"] for h in requester.me()["habilitations"]] == ["centre_agree"]

    # Guide 000 §6.4 step 9: remove the habilitation, through its confirmation page.
    page.get_by_role("link", name="Utilisateurs", exact=True).click()
    expect(page.get_by_role("heading", name="ont accès à la démarche")).to_be_visible()
    inspect_screen(page, screenshots, "gestion-utilisateurs")
    page.get_by_role("link", name=f"Anaïs {last_name}").click()
    expect(page.get_by_text("Habilité par Anaïs Lefèvre-Dubois, sur demande d’accès")).to_be_visible()
    inspect_screen(page, screenshots, "gestion-utilisateur")
    page.get_by_role("link", name="Retirer l’habilitation Centre agréé").click()
    inspect_screen(page, screenshots, "gestion-habilitation-retrait")
    page.get_by_role("button", name="Retirer l’habilitation").click()
    expect(page.get_by_text("L’habilitation a été retirée.")).to_be_visible()
    assert requester.me()["habilitations"] == []

    # Step 8: withdraw the access-manager right of the colleague appointed earlier.
    page.get_by_role("link", name="Retour à la liste des utilisateurs").click()
    page.get_by_role("link", name=f"Anaïs {colleague_name}").click()
    page.get_by_role("button", name="Retirer Responsable des accès").click()
    expect(page.get_by_text("Le droit Responsable des accès a été retiré.")).to_be_visible()
    inspect_screen(page, screenshots, "gestion-utilisateur-sans-droit")
    assert colleague.me()["manager_of"] == []

    # Guide 001 part B: « Déléguer une habilitation à un tiers », until a date.
    page.get_by_role("link", name="Retour à la liste des utilisateurs").click()
    page.get_by_role("link", name="Déléguer une habilitation à un tiers").click()
    inspect_screen(page, screenshots, "gestion-delegation")
    page.get_by_label("Adresse e-mail de la personne").fill(outsider.email)
    page.get_by_label("Rôle").select_option(label="Centre agréé")
    page.get_by_label("Nom de l’établissement").select_option(SECOND)
    end = datetime.date.today() + datetime.timedelta(days=60)
    page.get_by_label("Date de fin").fill(end.isoformat())
    page.get_by_role("button", name="Déléguer l’habilitation").click()
    expect(page.get_by_text("L’habilitation a été déléguée.")).to_be_visible()
    inspect_screen(page, screenshots, "gestion-delegation-faite")
    page.get_by_role("link", name="Retour à la gestion des accès").click()
    page.get_by_role("link", name="Historique des messages").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Historique des messages")
    inspect_screen(page, screenshots, "gestion-messages")
    [delegated] = outsider.me()["habilitations"]
    assert (delegated["siret"], delegated["end_date"], delegated["via"]) == (SECOND, end.isoformat(), "delegation")
