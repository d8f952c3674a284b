"""« Inviter un utilisateur » in Chromium on « Centre de Formation Continue Mistral »: the manager's
wizard, then the invited person (no account yet) from the e-mail's link to the accepted invitation;
axe-core on every screen."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import CAPTCHA_TEST_ANSWER, RunningSystem
from tests.browser.screens import inspect_screen
from tests.e2e.access import Person, become_manager
from tests.e2e.journeys import PASSWORD, code_in, unique_email

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
SIREN, FIRST, SECOND = "000030056", "00003005600014", "00003005600022"
NEW_PASSWORD = "Invitation-Mistral-2026!"
DAY = 24 * 3600


def log_in(page: Page, email: str, password: str) -> None:
    page.get_by_label("Identifiant (e-mail professionnel)").fill(email)
    page.get_by_label("Mot de passe", exact=False).first.fill(password)
    page.get_by_label("Recopiez le code de sécurité").fill(CAPTCHA_TEST_ANSWER)
    page.get_by_role("button", name="Je m’identifie avec EFP CONNECT").click()


def test_a_manager_invites_a_new_person_who_accepts_from_the_email(
    system: RunningSystem, page: Page, chromium: Browser, mail_server: MailRecorder, screenshots: Path
) -> None:
    manager = Person(system, mail_server, SIREN)
    become_manager(system, manager, FIRST)
    invitee = unique_email()

    page.goto(f"{system.web_url}/gestion-des-acces/invitations")
    log_in(page, manager.email, PASSWORD)
    expect(page).to_have_title("Gestion des accès – Invitations – EFP Connect")
    inspect_screen(page, screenshots, "invitations-liste")
    page.get_by_role("link", name="Inviter un utilisateur").click()
    inspect_screen(page, screenshots, "invitation-1-email")
    page.get_by_label("Adresse e-mail de l’utilisateur").fill(invitee)
    page.get_by_role("button", name="Suivant").click()
    expect(page.get_by_text("Étape 2 sur 4")).to_be_visible()
    inspect_screen(page, screenshots, "invitation-2-identite")
    page.get_by_label("Madame").check(force=True)  # the DSFR label covers its radio
    page.get_by_label("Nom", exact=True).fill("Fabre")
    page.get_by_label("Prénom").fill("Camille")
    page.get_by_role("button", name="Suivant").click()
    expect(page.get_by_text("Étape 3 sur 4")).to_be_visible()
    inspect_screen(page, screenshots, "invitation-3-entreprise")
    page.get_by_label("Poste occupé", exact=False).fill("Formatrice")
    page.get_by_role("button", name="Suivant").click()
    expect(page.get_by_text("Étape 4 sur 4")).to_be_visible()
    page.get_by_label("Nom de l’établissement").select_option(SECOND)
    page.get_by_label("Rôle").select_option("centre_agree")
    inspect_screen(page, screenshots, "invitation-4-habilitations")
    page.get_by_role("button", name="Ajouter l’habilitation").click()
    expect(page.get_by_text(f"SIRET {SECOND}").first).to_be_visible()
    inspect_screen(page, screenshots, "invitation-4-liste-des-habilitations")
    page.get_by_role("button", name="Terminer").click()
    expect(page.get_by_text(f"L’invitation a été envoyée à {invitee}")).to_be_visible()
    inspect_screen(page, screenshots, "invitations-envoyee")

    body = mail_server.wait_for_mail(invitee)[0].body()
    link = re.search(r"https?://\S+/invitations/accepter\?token=[A-Za-z0-9._~%-]+", body)
    assert link, body
    context = chromium.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    try:
        person = context.new_page()
        person.goto(link.group(0))
        expect(person.get_by_role("heading", name="Vous avez reçu une invitation")).to_be_visible()
        inspect_screen(person, screenshots, "invitation-lien")
        person.get_by_role("link", name="Choisir mon mot de passe").click()
        inspect_screen(person, screenshots, "invitation-mot-de-passe")
        person.get_by_label("Identifiant (e-mail professionnel)").fill(invitee)
        person.get_by_label("Recopiez le code de sécurité").fill(CAPTCHA_TEST_ANSWER)
        person.get_by_role("button", name="Recevoir un code").click()
        expect(person).to_have_title("Code reçu et mot de passe – EFP Connect")
        code = code_in(mail_server.wait_for_mail(invitee, count=2)[1].body())
        person.get_by_label("Code de validation reçu par e-mail", exact=False).fill(code)
        person.get_by_label("Mot de passe", exact=True).fill(NEW_PASSWORD)
        person.get_by_label("Confirmation du mot de passe", exact=False).first.fill(NEW_PASSWORD)
        inspect_screen(person, screenshots, "invitation-mot-de-passe-code")
        person.get_by_role("button", name="Enregistrer mon mot de passe").click()
        expect(person).to_have_title("Connexion – EFP Connect")
        log_in(person, invitee, NEW_PASSWORD)
        expect(person.get_by_role("heading", name="Accepter l’invitation")).to_be_visible()
        inspect_screen(person, screenshots, "invitation-accepter")
        person.get_by_role("button", name="Accepter l’invitation").click()
        expect(person.get_by_role("heading", name="Invitation acceptée")).to_be_visible()
        expect(person.get_by_text(f"SIRET {SECOND}")).to_be_visible()
        inspect_screen(person, screenshots, "invitation-acceptee")
    finally:
        context.close()


def test_an_expired_invitation_is_resent_from_the_list(
    system: RunningSystem, page: Page, mail_server: MailRecorder, screenshots: Path
) -> None:
    manager = Person(system, mail_server, SIREN)
    become_manager(system, manager, FIRST)
    invitee = unique_email()
    invited = manager.http.post(
        f"/api/v1/organisations/{SIREN}/invitations",
        json={
            "email": invitee,
            "civility": "monsieur",
            "last_name": "Blanc",
            "first_name": "Hugo",
            "habilitations": [{"service": "ceres", "role": "centre_agree", "siret": FIRST}],
        },
    )
    assert invited.status_code == 201, invited.text
    page.goto(f"{system.web_url}/gestion-des-acces/invitations")
    log_in(page, manager.email, PASSWORD)
    row = page.get_by_role("row").filter(has_text=invitee)
    expect(row.get_by_text("Vous pourrez relancer cette invitation dans 1 jour.")).to_be_visible()
    system.shift_clock(DAY + 3600)
    try:
        page.reload()
        expect(row.get_by_text("Expirée")).to_be_visible()
        inspect_screen(page, screenshots, "invitations-expiree")
        row.get_by_role("button", name="Relancer l’invitation").click()
        expect(page.get_by_text(f"L’invitation a été renvoyée à {invitee}")).to_be_visible()
        inspect_screen(page, screenshots, "invitations-relancee")
    finally:
        system.shift_clock(0)
    assert len(mail_server.wait_for_mail(invitee, count=2)) == 2
