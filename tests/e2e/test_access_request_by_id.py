"""One access request by id (`GET /api/v1/access-requests/{id}`, the managers' e-mail link) through the gateway."""

import pytest

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import RunningSystem
from tests.e2e.access import Person, new_manager

pytestmark = pytest.mark.e2e
# « Ferme Pédagogique des Trois Chênes » of the SIRENE sample: no other test uses it.
TROIS_CHENES = ("000020453", "00002045300015")


def test_the_requester_and_the_managers_see_it_as_in_the_lists_and_nobody_else(
    system: RunningSystem, mail_server: MailRecorder
) -> None:
    siren, siret = TROIS_CHENES
    manager = new_manager(system, mail_server, siren, siret)
    requester = Person(system, mail_server, siren)
    colleague = Person(system, mail_server, siren)
    asked = requester.http.post(
        "/api/v1/access-requests", json={"service": "ceres", "siret": siret, "message": "Pour les dossiers."}
    )
    assert asked.status_code == 201, asked.text
    request_id = asked.json()["id"]

    as_requester = requester.http.get(f"/api/v1/access-requests/{request_id}")
    as_manager = manager.http.get(f"/api/v1/access-requests/{request_id}")
    as_colleague = colleague.http.get(f"/api/v1/access-requests/{request_id}")
    unknown = manager.http.get("/api/v1/access-requests/000000000000000000000000")
    with system.client() as anonymous:
        as_anonymous = anonymous.get(f"/api/v1/access-requests/{request_id}")

    listed = manager.http.get(f"/api/v1/organisations/{siren}/access-requests").json()["items"]
    assert as_manager.status_code == 200, as_manager.text
    assert as_manager.json() == next(r for r in listed if r["id"] == request_id)
    assert as_manager.json()["requester_email"] == requester.email
    assert as_manager.json()["requester_name"]
    assert (as_manager.json()["status"], as_manager.json()["message"]) == ("pending", "Pour les dossiers.")
    assert as_requester.status_code == 200, as_requester.text
    assert as_requester.json() == requester.http.get("/api/v1/me/access-requests").json()["items"][0]
    assert (as_colleague.status_code, as_colleague.json()["code"]) == (404, "not_found")
    assert "introuvable" in as_colleague.json()["detail"]
    assert (unknown.status_code, unknown.json()["code"]) == (404, "not_found")
    assert (as_anonymous.status_code, as_anonymous.json()["code"]) == (401, "unauthenticated")
