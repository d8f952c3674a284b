"""« Mon compte » through the pages: my information and its change (checked through the gateway), my
password's change (wrong current password next to its field, the old one refused afterwards), my
habilitations with who granted them and when, my e-mails' history with the codes masked."""

import re
from datetime import UTC, datetime

import httpx
import pytest

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import CAPTCHA_TEST_ANSWER, RunningSystem
from tests.e2e import journeys
from tests.e2e.access import EMERAUDE, new_manager
from tests.e2e.journeys import PASSWORD
from tests.pages.browsing import Account, form_token, log_in, post_form
from tests.pages.catalogue import check_screen

pytestmark = pytest.mark.e2e
NEW_PASSWORD = "Autre-Mot-de-passe-2026!"


def test_my_information_is_shown_and_changed(
    system: RunningSystem, browser_like: httpx.Client, account: Account
) -> None:
    assert log_in(browser_like, account.email, account.password).status_code == 303
    shown = browser_like.get("/mon-compte")
    check_screen("mon-compte", shown.text)
    assert account.email in shown.text
    assert "Lefèvre-Dubois" in shown.text
    assert "Responsable pédagogique" in shown.text
    assert journeys.EMERAUDE_SIREN in shown.text
    form = browser_like.get("/mon-compte/modifier")
    check_screen("mon-compte-modifier", form.text)
    assert 'value="madame" checked' in form.text
    token = form_token(form.text)
    empty = browser_like.post(
        "/mon-compte/modifier",
        data={"csrf_token": token, "civility": "madame", "last_name": "", "first_name": "Anaïs"},
    )
    assert empty.status_code == 422
    assert 'id="last_name-erreur"' in empty.text
    changed = browser_like.post(
        "/mon-compte/modifier",
        data={
            "csrf_token": token,
            "civility": "monsieur",
            "last_name": "Martin",
            "first_name": "Paul",
            "job_title": "Directeur",
            "phone": "06 12 34 56 78",
        },
    )
    assert changed.status_code == 303
    assert changed.headers["location"] == "/mon-compte?modifie=informations"
    after = browser_like.get(changed.headers["location"])
    assert "Vos informations ont été enregistrées." in after.text
    assert "Directeur" in after.text
    with system.client() as gateway:
        assert journeys.log_in(gateway, account.email).status_code == 200
        me = gateway.get("/api/v1/me").json()
    assert (me["civility"], me["last_name"], me["first_name"], me["job_title"]) == (
        "monsieur",
        "Martin",
        "Paul",
        "Directeur",
    )
    assert me["phone"]
    assert me["phone"].endswith("612345678")


def test_i_change_my_password_and_only_the_new_one_opens(browser_like: httpx.Client, account: Account) -> None:
    assert log_in(browser_like, account.email, account.password).status_code == 303
    form = browser_like.get("/mon-compte/mot-de-passe")
    check_screen("mon-compte-mot-de-passe", form.text)
    wrong = post_form(
        browser_like,
        "/mon-compte/mot-de-passe",
        current_password="Pas-le-bon-mot-de-passe-1",
        password=NEW_PASSWORD,
        password_confirmation=NEW_PASSWORD,
    )
    assert wrong.status_code in (400, 422)
    assert 'id="current_password-erreur"' in wrong.text
    weak = post_form(
        browser_like,
        "/mon-compte/mot-de-passe",
        current_password=PASSWORD,
        password="court",
        password_confirmation="court",
    )
    assert weak.status_code == 422
    assert 'id="password-erreur"' in weak.text
    done = post_form(
        browser_like,
        "/mon-compte/mot-de-passe",
        current_password=PASSWORD,
        password=NEW_PASSWORD,
        password_confirmation=NEW_PASSWORD,
    )
    assert done.status_code == 303
    assert "Votre mot de passe a été modifié" in browser_like.get(done.headers["location"]).text
    browser_like.cookies.clear()
    assert log_in(browser_like, account.email, PASSWORD).status_code != 303
    assert log_in(browser_like, account.email, NEW_PASSWORD).headers["location"] == "/accueil"


def test_my_habilitations_say_who_granted_them_and_when(
    system: RunningSystem, browser_like: httpx.Client, mail_server: MailRecorder
) -> None:
    siren, siret, other_siret = EMERAUDE
    person = new_manager(system, mail_server, siren, siret)
    # A second one, withdrawn: it shows among the past ones.
    extra = person.http.post("/api/v1/me/habilitations", json={"role": "centre_agree", "siret": other_siret})
    assert extra.status_code == 201, extra.text
    assert person.http.delete(f"/api/v1/habilitations/{extra.json()['id']}").status_code == 200
    assert log_in(browser_like, person.email, PASSWORD).status_code == 303
    page = browser_like.get("/mes-habilitations")
    check_screen("mes-habilitations", page.text)
    today = datetime.now(UTC).strftime("%d/%m/%Y")
    current, past = page.text.split("Habilitations passées", 1)
    assert "Gestionnaire CENTRES" in current
    assert siret in current
    assert re.search(rf"Habilité par [^<]+ le {today}", current)
    assert "<caption>" in current
    assert 'scope="col"' in current
    assert other_siret in past
    assert "Retirée" in past
    assert other_siret not in current


def test_my_messages_show_my_emails_with_the_codes_masked(
    system: RunningSystem, browser_like: httpx.Client, account: Account, mail_server: MailRecorder
) -> None:
    sent = len(mail_server.mails_to(account.email))
    with system.client() as gateway:
        body = {
            "email": account.email,
            "captcha_id": journeys.new_captcha(gateway),
            "captcha_answer": CAPTCHA_TEST_ANSWER,
        }
        assert gateway.post("/api/v1/password-resets", json=body).status_code == 202
    mail = mail_server.wait_for_mail(account.email, count=sent + 1)[sent]
    link = re.search(r"code=(\d{6})", mail.body())
    assert link, mail.body()
    assert log_in(browser_like, account.email, account.password).status_code == 303
    page = browser_like.get("/mon-compte/messages")
    check_screen("mon-compte-messages", page.text)
    assert "Votre compte EFP Connect est créé" in page.text
    assert "Réinitialisation du mot de passe de votre compte EFP Connect" in page.text
    assert link.group(1) not in page.text  # the e-mailed code never shows again
    assert "••••••" in page.text


def test_account_pages_need_a_login(browser_like: httpx.Client) -> None:
    for path in ("/mon-compte", "/mon-compte/modifier", "/mes-habilitations", "/mon-compte/messages"):
        answer = browser_like.get(path)
        assert answer.status_code in (302, 303, 307)
        assert answer.headers["location"].startswith("/connexion?suite=")
