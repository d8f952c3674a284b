"""A person's own data through the pages and the real system (issue 15): « Modifier mon adresse e-mail » with
the code read from the SMTP recorder, « Télécharger mes données », « Supprimer mon compte » (each mistake
next to its field, the last access manager refused by name), and the public « Données personnelles »."""

import re
import uuid

import httpx
import pytest

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import RunningSystem
from tests.e2e import journeys
from tests.e2e.access import new_manager
from tests.pages.browsing import Account, form_token, log_in, post_form
from tests.pages.catalogue import check_screen

pytestmark = pytest.mark.e2e
# « Centre de Formation Zéphyr » of the SIRENE sample, for this file only: the manager made here is its last.
ZEPHYR = ("000031047", "00003104700012")
WRONG_PASSWORD = "Pas-le-bon-mot-de-passe-1"


def code_sent_to(mail_server: MailRecorder, email: str) -> str:
    """The 6-digit code of the last e-mail to `email` (alone on its line, as at sign-up, or in a sentence)."""
    body = mail_server.wait_for_mail(email)[-1].body()
    found = re.search(r"^\s*(\d{6})\s*$", body, re.MULTILINE) or re.search(r"\b(\d{6})\b", body)
    assert found, body
    return found.group(1)


def error_of(html: str, field: str) -> str:
    found = re.search(rf'id="{field}-erreur" class="fr-error-text">([^<]*)<', html)
    assert found, f"no error under {field}"
    return found.group(1)


def test_the_personal_data_page_is_public(browser_like: httpx.Client) -> None:
    shown = browser_like.get("/donnees-personnelles")

    assert shown.status_code == 200
    check_screen("donnees-personnelles", shown.text)
    assert 'href="/donnees-personnelles"' in browser_like.get("/connexion").text  # the footer


def test_i_change_my_e_mail_address_with_the_code_sent_to_it(
    system: RunningSystem, browser_like: httpx.Client, account: Account, mail_server: MailRecorder
) -> None:
    new_email = f"nouvelle.{uuid.uuid4().hex[:10]}@centre-formation.fr"
    assert log_in(browser_like, account.email, account.password).status_code == 303
    check_screen("mon-compte", browser_like.get("/mon-compte").text)
    form = browser_like.get("/mon-compte/adresse-e-mail")
    check_screen("mon-compte-adresse-e-mail", form.text)
    wrong = browser_like.post(
        "/mon-compte/adresse-e-mail",
        data={"csrf_token": form_token(form.text), "new_email": new_email, "password": WRONG_PASSWORD},
    )
    assert wrong.status_code == 422
    assert error_of(wrong.text, "password")
    started = post_form(browser_like, "/mon-compte/adresse-e-mail", new_email=new_email, password=account.password)
    assert (started.status_code, started.headers["location"]) == (303, "/mon-compte/adresse-e-mail/code")
    code_page = browser_like.get(started.headers["location"])
    check_screen("mon-compte-adresse-e-mail-code", code_page.text)
    assert new_email in code_page.text
    code = code_sent_to(mail_server, new_email)
    wrong_code = post_form(
        browser_like, "/mon-compte/adresse-e-mail/code", code="000000" if code != "000000" else "111111"
    )
    assert wrong_code.status_code == 422
    assert error_of(wrong_code.text, "code")

    done = post_form(browser_like, "/mon-compte/adresse-e-mail/code", code=code)

    assert (done.status_code, done.headers["location"]) == (303, "/mon-compte?modifie=adresse-e-mail")
    shown = browser_like.get(done.headers["location"]).text
    assert "Votre adresse e-mail a été modifiée" in shown
    assert new_email in shown
    with system.client() as gateway:
        assert journeys.log_in(gateway, new_email, account.password).status_code == 200
        assert journeys.log_in(gateway, account.email, account.password).status_code != 200


def test_i_download_my_data(browser_like: httpx.Client, account: Account) -> None:
    assert log_in(browser_like, account.email, account.password).status_code == 303
    check_screen("mon-compte-mes-donnees", browser_like.get("/mon-compte/mes-donnees").text)

    file = browser_like.get("/mon-compte/mes-donnees/fichier")

    assert file.status_code == 200
    assert file.headers["content-type"].startswith("application/json")
    assert re.fullmatch(
        r'attachment; filename="efp-connect-mes-donnees-\d{4}-\d{2}-\d{2}\.json"', file.headers["content-disposition"]
    )
    data = file.json()
    assert set(data) == {"exported_at", "identity", "habilitation", "emails"}
    assert data["identity"]["account"]["email"] == account.email
    assert any(session["current"] for session in data["identity"]["sessions"])
    assert data["emails"]["items"], "the sign-up's e-mails"


def test_i_delete_my_account_and_it_opens_no_more(
    system: RunningSystem, browser_like: httpx.Client, account: Account
) -> None:
    assert log_in(browser_like, account.email, account.password).status_code == 303
    form = browser_like.get("/mon-compte/supprimer")
    check_screen("mon-compte-supprimer", form.text)
    unconfirmed = post_form(browser_like, "/mon-compte/supprimer", password=account.password)
    assert unconfirmed.status_code == 422
    assert error_of(unconfirmed.text, "confirmation")
    wrong = post_form(browser_like, "/mon-compte/supprimer", password=WRONG_PASSWORD, confirmation="oui")
    assert wrong.status_code == 422
    assert error_of(wrong.text, "password")

    done = post_form(browser_like, "/mon-compte/supprimer", password=account.password, confirmation="oui")

    assert (done.status_code, done.headers["location"]) == (303, "/compte-supprime")
    check_screen("compte-supprime", browser_like.get("/compte-supprime").text)
    assert browser_like.get("/mon-compte").headers["location"].startswith("/connexion")
    with system.client() as gateway:
        assert journeys.log_in(gateway, account.email, account.password).status_code == 401


def test_the_last_access_manager_is_refused_with_the_organisation_named(
    system: RunningSystem, browser_like: httpx.Client, mail_server: MailRecorder
) -> None:
    manager = new_manager(system, mail_server, *ZEPHYR)
    assert log_in(browser_like, manager.email, journeys.PASSWORD).status_code == 303

    refused = post_form(browser_like, "/mon-compte/supprimer", password=journeys.PASSWORD, confirmation="oui")

    assert refused.status_code == 409
    assert f"(SIREN {ZEPHYR[0]})" in refused.text
    assert f'href="/gestion-des-acces/utilisateurs?siren={ZEPHYR[0]}">Gérer les accès de mon entreprise</a>' in (
        refused.text
    )
    assert manager.http.get("/api/v1/me").status_code == 200  # nothing changed


def test_my_data_s_pages_need_a_login(browser_like: httpx.Client) -> None:
    for path in ("/mon-compte/adresse-e-mail", "/mon-compte/mes-donnees", "/mon-compte/mes-donnees/fichier"):
        answer = browser_like.get(path)
        assert answer.status_code == 303, path
        assert answer.headers["location"].startswith("/connexion?suite="), path
    assert browser_like.get("/mon-compte/supprimer").headers["location"].startswith("/connexion?suite=")
