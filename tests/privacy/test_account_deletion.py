"""« Supprimer mon compte » through the gateway against the real system: who may leave, what goes, what stays.

A deleted person's address, names and phone number must be found in no document of any collection of any
service once the copies have followed (`identity.account.deleted.v1`); what accountability needs (who
granted what to whom, when) stays, under the account id only.
"""

import re

import httpx
import pytest

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import RunningSystem
from tests.e2e.access import become_manager
from tests.e2e.journeys import log_in
from tests.privacy.privacy_steps import (
    MISTRAL,
    TRAMONTANE,
    Someone,
    database_of,
    eventually,
    logged,
    mail_about,
    store,
    wait_until_gone,
)

pytestmark = pytest.mark.e2e


def _request_access(person: Someone, siret: str, message: str) -> str:
    body = {"service": "ceres", "siret": siret, "message": message}
    submitted = person.http.post("/api/v1/access-requests", json=body)
    assert submitted.status_code == 201, submitted.text
    return str(submitted.json()["id"])


def test_a_person_deletes_their_account_and_nothing_of_them_is_left(
    system: RunningSystem, mail_server: MailRecorder
) -> None:
    siren, siret, _ = MISTRAL
    manager = Someone(system, mail_server, siren)
    become_manager(system, manager, siret)  # type: ignore[arg-type]  # a Person's http and nothing else
    person = Someone(system, mail_server, siren)
    granted = _request_access(person, siret, f"Bonjour, je suis {person.first_name} {person.last_name}.")
    accepted = manager.http.post(
        f"/api/v1/access-requests/{granted}/accept", json={"habilitations": [{"role": "centre_agree", "siret": siret}]}
    )
    assert accepted.status_code == 200, accepted.text
    habilitation_id = person.http.get("/api/v1/me").json()["habilitations"][0]["id"]
    # A second session elsewhere, and an invitation the person cannot answer any more.
    elsewhere = system.client()
    assert log_in(elsewhere, person.email).status_code == 200

    deleted = person.delete_account()

    assert deleted.status_code == 204, deleted.text
    assert person.http.get("/api/v1/me").status_code == 401
    assert elsewhere.get("/api/v1/me").status_code == 401
    mail_about(mail_server, person.email, "a été supprimé")
    assert wait_until_gone(system, person.traces()) == []
    # (A login with the address now fails as for any unknown one, and its failure is remembered a day.)
    assert log_in(system.client(), person.email).json()["code"] == "invalid_credentials"
    # Accountability: the habilitation the manager granted stays, ended, under the account id alone.
    with store(system) as client:
        kept = client[database_of(system, "habilitation")]["habilitations"].find_one({"_id": habilitation_id})
    assert kept is not None
    assert (kept["account_id"], kept["granted_by"], kept["state"]) == (person.account_id, manager.account_id, "revoked")
    # The manager's listing no longer counts the person; the organisation's check says no.
    users = manager.http.get(f"/api/v1/organisations/{siren}/users").json()["items"]
    assert person.account_id not in {user["account_id"] for user in users}
    # Through sign-up, login, a request, its acceptance and the deletion, the logs named the person by id
    # only (the id is there: the search looks in the right place).
    assert logged(system, [person.account_id]) == [person.account_id]
    assert logged(system, person.traces() | manager.traces()) == []


def test_the_last_access_manager_is_told_to_appoint_another_first_then_may_leave(
    system: RunningSystem, mail_server: MailRecorder
) -> None:
    siren, siret, name = TRAMONTANE
    manager = Someone(system, mail_server, siren)
    become_manager(system, manager, siret)  # type: ignore[arg-type]
    colleague = Someone(system, mail_server, siren)

    refused = manager.delete_account()

    assert refused.status_code == 409, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["code"] == "last_manager"
    assert name in refused.json()["detail"]
    assert manager.http.get("/api/v1/me").status_code == 200  # nothing changed
    sent = len(mail_server.mails_to(colleague.email))
    appointed = manager.http.put(f"/api/v1/organisations/{siren}/managers/{colleague.account_id}")
    assert appointed.status_code == 200, appointed.text
    # An appointed manager counts once they accepted the charter (the link of the e-mail).
    mail = mail_server.wait_for_mail(colleague.email, count=sent + 1)[-1]
    link = re.search(r"/acces/activation/([A-Za-z0-9_-]+)/charte", mail.body())
    assert link, mail.body()
    assert manager.delete_account().status_code == 409
    accepted = colleague.http.post(f"/api/v1/activations/{link.group(1)}/accept-charter", json={"accept": True})
    assert accepted.status_code == 200, accepted.text

    assert manager.delete_account().status_code == 204
    assert eventually(lambda: siren in colleague.http.get("/api/v1/me").json()["manager_of"])
    assert wait_until_gone(system, manager.traces()) == []


def test_a_wrong_password_deletes_nothing(system: RunningSystem, mail_server: MailRecorder) -> None:
    person = Someone(system, mail_server, MISTRAL[0])

    refused = person.delete_account(password="Pas-Le-Bon-Mot-de-Passe-1")

    assert refused.status_code == 400, refused.text
    assert refused.json()["code"] == "invalid_credentials"
    assert refused.json()["errors"][0]["field"] == "password"
    assert person.http.get("/api/v1/me").json()["email"] == person.email


def test_deleting_needs_a_session(client: httpx.Client) -> None:
    refused = client.request("DELETE", "/api/v1/me", json={"password": "x"})

    assert refused.status_code == 401
