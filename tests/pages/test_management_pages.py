"""« Gestion des accès » through the pages (guide 000 §6.1, §6.4): the users list and its filters,
a user's page, habilitations added and removed, managers appointed and withdrawn; what the person
sees and what changed through the gateway."""

import datetime

import httpx
import pytest

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import RunningSystem
from tests.e2e.journeys import PASSWORD
from tests.pages.browsing import log_in
from tests.pages.catalogue import check_screen
from tests.pages.management_setup import FIRST, SECOND, SIREN, active, collaborator, manager_in_web, post, user_of

pytestmark = pytest.mark.e2e
USERS = "/gestion-des-acces/utilisateurs"


def test_the_users_list_counts_and_filters_by_role_establishment_and_name(
    system: RunningSystem, mail_server: MailRecorder, browser_like: httpx.Client
) -> None:
    manager = manager_in_web(system, mail_server, browser_like)
    colleague = collaborator(system, mail_server, manager, role="centre_agree", siret=SECOND)
    last_name = colleague.me()["last_name"]
    answer = manager.http.get(f"/api/v1/organisations/{SIREN}/users").json()
    total = answer["total"] if isinstance(answer, dict) else len(answer)

    listed = browser_like.get(USERS)
    assert listed.status_code == 200
    check_screen("gestion-utilisateurs", listed.text)
    assert f"{total} utilisateurs ont accès à la démarche" in listed.text
    assert last_name in listed.text
    assert f'href="{USERS}/{colleague.account_id}"' in listed.text
    assert 'aria-current="page"' in listed.text

    by_role = browser_like.get(USERS, params={"role": "centre_agree"}).text
    assert last_name in by_role
    assert manager.email not in by_role
    by_establishment = browser_like.get(USERS, params={"siret": FIRST}).text
    assert manager.email in by_establishment
    assert last_name not in by_establishment
    by_name = browser_like.get(USERS, params={"q": last_name}).text
    assert "1 utilisateur a accès à la démarche" in by_name
    assert last_name in by_name
    assert manager.email not in by_name


def test_a_users_page_says_how_the_manager_right_was_given(
    system: RunningSystem, mail_server: MailRecorder, browser_like: httpx.Client
) -> None:
    manager = manager_in_web(system, mail_server, browser_like)
    page = browser_like.get(f"{USERS}/{manager.account_id}")
    assert page.status_code == 200
    check_screen("gestion-utilisateur", page.text)
    today = datetime.datetime.now(datetime.UTC).strftime("%d/%m/%Y")
    assert f"Droit Responsable des accès attribué par code d’activation le {today}" in page.text
    assert "Retirer Responsable des accès" in page.text
    assert "Gestionnaire CENTRES" in page.text
    assert "Organisme de Formation Hirondelle" in page.text  # « Société »


def test_a_habilitation_is_added_then_removed_after_confirmation(
    system: RunningSystem, mail_server: MailRecorder, browser_like: httpx.Client
) -> None:
    manager = manager_in_web(system, mail_server, browser_like)
    colleague = collaborator(system, mail_server, manager)
    form = f"{USERS}/{colleague.account_id}/habilitations/nouvelle"
    check_screen("gestion-habilitation-ajout", browser_like.get(form).text)

    added = post(browser_like, form, form, siret=SECOND, role="centre_agree", end_date="")
    assert added.status_code == 303
    assert active(user_of(manager, colleague.account_id)) == [("centre_agree", SECOND)]
    shown = browser_like.get(added.headers["location"])
    assert "L’habilitation a été ajoutée." in shown.text
    assert "1 habilitation" in shown.text

    [habilitation] = user_of(manager, colleague.account_id)["habilitations"]
    confirm = f"{USERS}/{colleague.account_id}/habilitations/{habilitation['id']}/retirer"
    assert f'href="{confirm}"' in shown.text
    confirmation = browser_like.get(confirm)
    check_screen("gestion-habilitation-retrait", confirmation.text)
    removed = post(browser_like, confirm, confirm)
    assert removed.status_code == 303
    assert active(user_of(manager, colleague.account_id)) == []
    assert "L’habilitation a été retirée." in browser_like.get(removed.headers["location"]).text


def test_bad_habilitation_input_is_said_next_to_its_field_and_changes_nothing(
    system: RunningSystem, mail_server: MailRecorder, browser_like: httpx.Client
) -> None:
    manager = manager_in_web(system, mail_server, browser_like)
    colleague = collaborator(system, mail_server, manager)
    form = f"{USERS}/{colleague.account_id}/habilitations/nouvelle"

    no_role = post(browser_like, form, form, siret=FIRST, role="", end_date="")
    assert no_role.status_code == 422
    assert 'id="role-erreur"' in no_role.text
    past = post(browser_like, form, form, siret=FIRST, role="centre_agree", end_date="2020-01-31")
    assert past.status_code == 422
    assert 'id="end_date-erreur"' in past.text
    assert 'value="2020-01-31"' in past.text  # what was typed stays
    assert active(user_of(manager, colleague.account_id)) == []


def test_a_manager_is_appointed_then_withdrawn_and_the_last_one_keeps_the_right(
    system: RunningSystem, mail_server: MailRecorder, browser_like: httpx.Client
) -> None:
    manager = manager_in_web(system, mail_server, browser_like)
    colleague = collaborator(system, mail_server, manager, role="centre_agree")
    page_path = f"{USERS}/{colleague.account_id}"
    assert "Nommer responsable des accès" in browser_like.get(page_path).text

    appointed = post(browser_like, f"{page_path}/responsable", page_path)
    assert appointed.status_code == 303
    assert colleague.me()["manager_of"] == [SIREN]
    shown = browser_like.get(appointed.headers["location"]).text
    assert "Le droit Responsable des accès a été attribué." in shown
    today = datetime.datetime.now(datetime.UTC).strftime("%d/%m/%Y")
    assert f"Droit Responsable des accès attribué par Anaïs {manager.me()['last_name']} le {today}" in shown

    withdrawn = post(browser_like, f"{page_path}/responsable/retirer", page_path)
    assert withdrawn.status_code == 303
    assert colleague.me()["manager_of"] == []


def test_the_last_manager_refusal_is_said_clearly(
    system: RunningSystem, mail_server: MailRecorder, browser_like: httpx.Client
) -> None:
    """Each test's manager shares the organisation with the others': withdraw them all through the
    gateway but ours, then ours is the last one."""
    manager = manager_in_web(system, mail_server, browser_like)
    users = manager.http.get(f"/api/v1/organisations/{SIREN}/users", params={"limit": "100"}).json()
    users = users["items"] if isinstance(users, dict) else users
    for other in users:
        if other["manager_right"] and other["account_id"] != manager.account_id:
            gone = manager.http.delete(f"/api/v1/organisations/{SIREN}/managers/{other['account_id']}")
            assert gone.status_code == 204, gone.text
    page_path = f"{USERS}/{manager.account_id}"

    refused = post(browser_like, f"{page_path}/responsable/retirer", page_path)
    assert refused.status_code == 409
    assert "dernier responsable des accès" in refused.text
    assert manager.me()["manager_of"] == [SIREN]


def test_a_person_who_manages_nothing_is_told_so(
    system: RunningSystem, mail_server: MailRecorder, browser_like: httpx.Client
) -> None:
    manager = manager_in_web(system, mail_server, httpx.Client(base_url=system.web_url))
    colleague = collaborator(system, mail_server, manager, role="centre_agree")
    assert log_in(browser_like, colleague.email, PASSWORD).status_code == 303
    for path in (USERS, "/gestion-des-acces/demandes", "/gestion-des-acces/delegation", "/gestion-des-acces/messages"):
        refused = browser_like.get(path)
        assert refused.status_code == 403, path
        assert "réservée aux responsables des accès" in refused.text
