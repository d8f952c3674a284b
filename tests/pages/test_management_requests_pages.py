"""« Demandes d’accès » through the pages (guide 000 §6.1): a request validated with two
habilitations (the requester gets the e-mail) and another refused with a reason; a delegation to
a person of another organisation (guide 001 part B) and the messages history."""

import datetime

import httpx
import pytest
from markupsafe import escape

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import RunningSystem
from tests.e2e.access import Person
from tests.pages.catalogue import check_screen
from tests.pages.management_setup import FIRST, SECOND, SIREN, active, collaborator, manager_in_web, post, user_of

pytestmark = pytest.mark.e2e
REQUESTS = "/gestion-des-acces/demandes"


def _request(person: Person, message: str) -> str:
    made = person.http.post("/api/v1/access-requests", json={"service": "ceres", "siret": FIRST, "message": message})
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def test_a_request_is_validated_with_two_habilitations_and_the_requester_told(
    system: RunningSystem, mail_server: MailRecorder, browser_like: httpx.Client
) -> None:
    manager = manager_in_web(system, mail_server, browser_like)
    requester = collaborator(system, mail_server, manager)
    request_id = _request(requester, "Je suis la nouvelle formatrice.")
    listed = browser_like.get(REQUESTS)
    check_screen("gestion-demandes", listed.text)
    assert f'href="{REQUESTS}/{request_id}"' in listed.text
    assert requester.email in listed.text
    assert "demandes en attente)" in listed.text or "demande en attente)" in listed.text  # the badge, in words

    path = f"{REQUESTS}/{request_id}"
    told = mail_server.wait_for_mail(manager.email, count=3)[-1]  # after the sign-up code and welcome
    assert f"{system.web_url}{path}" in told.body()  # the managers' e-mail links to this page
    opened = browser_like.get(path)
    check_screen("gestion-demande", opened.text)
    assert "« Je suis la nouvelle formatrice. »" in opened.text
    no_role = post(browser_like, path, path, action="ajouter", siret=FIRST, role="", end_date="")
    assert no_role.status_code == 422
    assert 'id="role-erreur"' in no_role.text
    first = post(browser_like, path, path, action="ajouter", siret=FIRST, role="centre_agree", end_date="")
    assert first.status_code == 303
    listed_once = browser_like.get(path).text
    assert "Centre agréé – " in listed_once
    extra = post(browser_like, path, path, action="ajouter", siret=SECOND, role="centre_agree", end_date="")
    assert extra.status_code == 303
    assert browser_like.get(path).text.count('name="index"') == 2
    taken_off = post(browser_like, f"{path}/habilitations/retirer", path, index="1")
    assert taken_off.status_code == 303
    assert browser_like.get(path).text.count('name="index"') == 1  # removed from the list before « Terminer »
    assert active(user_of(manager, requester.account_id)) == []  # nothing granted before « Terminer »
    end = (datetime.date.today() + datetime.timedelta(days=90)).isoformat()
    sent = len(mail_server.mails_to(requester.email))
    done = post(browser_like, path, path, action="terminer", siret=SECOND, role="gestionnaire_centres", end_date=end)
    assert done.status_code == 303

    assert active(user_of(manager, requester.account_id)) == [("centre_agree", FIRST), ("gestionnaire_centres", SECOND)]
    mail_server.wait_for_mail(requester.email, count=sent + 1)
    assert "La demande d’accès a été validée" in browser_like.get(done.headers["location"]).text
    assert "Cette demande a été validée" in browser_like.get(path).text


def test_a_request_is_refused_with_a_reason(
    system: RunningSystem, mail_server: MailRecorder, browser_like: httpx.Client
) -> None:
    manager = manager_in_web(system, mail_server, browser_like)
    requester = collaborator(system, mail_server, manager)
    request_id = _request(requester, "Accès pour la comptabilité.")
    path = f"{REQUESTS}/{request_id}"
    added = post(browser_like, path, path, action="ajouter", siret=FIRST, role="centre_agree", end_date="")
    assert added.status_code == 303
    cancelled = post(browser_like, path, path, action="annuler")
    assert cancelled.headers["location"] == REQUESTS
    assert 'name="index"' not in browser_like.get(path).text  # « Annuler » forgets what was added
    sent = len(mail_server.mails_to(requester.email))

    refused = post(browser_like, f"{path}/refuser", path, reason="Vous ne faites pas partie de l’équipe CERES.")
    assert refused.status_code == 303
    answer = requester.http.get("/api/v1/me/access-requests").json()
    mine = answer.get("items", answer.get("access_requests"))  # the paged shape, or the one before it
    assert [(r["status"], r["reason"]) for r in mine] == [("refused", "Vous ne faites pas partie de l’équipe CERES.")]
    mail_server.wait_for_mail(requester.email, count=sent + 1)
    shown = browser_like.get(path).text
    assert "Cette demande a été refusée" in shown
    assert "Motif : Vous ne faites pas partie de l’équipe CERES." in shown
    assert active(user_of(manager, requester.account_id)) == []


def test_a_habilitation_is_delegated_to_a_person_of_another_organisation(
    system: RunningSystem, mail_server: MailRecorder, browser_like: httpx.Client
) -> None:
    manager_in_web(system, mail_server, browser_like)
    outsider = Person(system, mail_server, "000010116")  # « Centre de Formation Émeraude »
    form = "/gestion-des-acces/delegation"
    check_screen("gestion-delegation", browser_like.get(form).text)

    no_end = post(browser_like, form, form, email=outsider.email, role="centre_agree", siret=SECOND, end_date="")
    assert no_end.status_code == 422
    assert 'id="end_date-erreur"' in no_end.text
    past = post(
        browser_like, form, form, email=outsider.email, role="centre_agree", siret=SECOND, end_date="2021-05-01"
    )
    assert past.status_code == 422
    assert 'id="end_date-erreur"' in past.text
    assert outsider.me()["habilitations"] == []
    unknown = post(
        browser_like, form, form, email="personne@inconnu.fr", role="centre_agree", siret=SECOND, end_date="2099-12-31"
    )
    assert unknown.status_code == 422
    assert 'id="email-erreur"' in unknown.text

    end = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    done = post(browser_like, form, form, email=outsider.email, role="centre_agree", siret=SECOND, end_date=end)
    assert done.status_code == 303
    [habilitation] = outsider.me()["habilitations"]
    assert (habilitation["role"], habilitation["siret"], habilitation["end_date"], habilitation["via"]) == (
        "centre_agree",
        SECOND,
        end,
        "delegation",
    )
    assert "L’habilitation a été déléguée." in browser_like.get(done.headers["location"]).text


def test_the_messages_history_lists_the_organisations_emails(
    system: RunningSystem, mail_server: MailRecorder, browser_like: httpx.Client
) -> None:
    manager = manager_in_web(system, mail_server, browser_like)
    requester = collaborator(system, mail_server, manager)
    _request(requester, "Pour l’historique.")
    mail_server.wait_for_mail(manager.email, count=3)  # sign-up code, account created, then the request
    page = browser_like.get("/gestion-des-acces/messages")
    assert page.status_code == 200
    check_screen("gestion-messages", page.text)
    items = manager.http.get(f"/api/v1/organisations/{SIREN}/messages").json()["items"]
    assert items, "the organisation has messages"
    assert str(escape(items[0]["subject"])) in page.text
