"""Access requests end to end (guide §4 and §6.1): submit, badge, accept, refuse, resend, refusals."""

from typing import Any

import pytest

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import RunningSystem
from tests.e2e.access import (
    BATISSEURS,
    BEARN,
    COTE_OPALE,
    EMERAUDE,
    HOTELLERIE,
    LEMAN,
    LORRAIN,
    SANTE_AQUITAINE,
    Person,
    new_manager,
)

pytestmark = pytest.mark.e2e


def _manager(system: RunningSystem, mail_server: MailRecorder, org: tuple[str, str, str]) -> Person:
    return new_manager(system, mail_server, org[0], org[1])


def _submit(person: Person, siret: str, message: str | None = "Bonjour, je suis formatrice.") -> dict[str, Any]:
    response = person.http.post(
        "/api/v1/access-requests", json={"service": "ceres", "siret": siret, "message": message}
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def _grant(siret: str) -> dict[str, Any]:
    return {"habilitations": [{"role": "centre_agree", "siret": siret}]}


def test_a_collaborators_request_is_mailed_to_the_manager_and_accepted(
    system: RunningSystem, mail_server: MailRecorder
) -> None:
    siren, _, chambery = EMERAUDE
    manager = _manager(system, mail_server, EMERAUDE)
    collaborator = Person(system, mail_server, siren)

    request = _submit(collaborator, chambery)

    assert request["status"] == "pending"
    mail = mail_server.wait_for_mail(manager.email, count=3)[-1]
    assert request["id"] in mail.body()
    assert "Bonjour, je suis formatrice." in mail.body()
    assert manager.me()["pending_access_requests_to_review"] == 1
    listed = manager.http.get(f"/api/v1/organisations/{siren}/access-requests", params={"status": "pending"}).json()
    assert [r["id"] for r in listed["items"]] == [request["id"]]

    accepted = manager.http.post(f"/api/v1/access-requests/{request['id']}/accept", json=_grant(chambery))

    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted"
    granted = mail_server.wait_for_mail(collaborator.email, count=3)[-1]
    assert "nouvelle habilitation" in granted.subject
    held = collaborator.http.get("/api/v1/me/habilitations").json()["items"]
    assert [(h["role"], h["siret"], h["via"]) for h in held] == [("centre_agree", chambery, "access_request")]
    assert manager.me()["pending_access_requests_to_review"] == 0
    users = manager.http.get(f"/api/v1/organisations/{siren}/users", params={"siret": chambery}).json()["items"]
    assert [u["account_id"] for u in users] == [collaborator.account_id]


def test_a_refusal_tells_the_requester_the_reason(system: RunningSystem, mail_server: MailRecorder) -> None:
    manager = _manager(system, mail_server, HOTELLERIE)
    collaborator = Person(system, mail_server, HOTELLERIE[0])
    request = _submit(collaborator, HOTELLERIE[2])

    url = f"/api/v1/access-requests/{request['id']}/refuse"
    refused = manager.http.post(url, json={"reason": "Personne inconnue"})

    assert refused.json()["status"] == "refused"
    mail = mail_server.wait_for_mail(collaborator.email, count=3)[-1]
    assert "Personne inconnue" in mail.body()


def test_one_pending_request_per_service_and_organisation(system: RunningSystem, mail_server: MailRecorder) -> None:
    _manager(system, mail_server, COTE_OPALE)
    collaborator = Person(system, mail_server, COTE_OPALE[0])
    _submit(collaborator, COTE_OPALE[2])

    again = collaborator.http.post("/api/v1/access-requests", json={"service": "ceres", "siret": COTE_OPALE[1]})

    assert again.status_code == 409
    assert again.json()["code"] == "conflict"


def test_resend_waits_30_days_then_notifies_the_managers_again(
    system: RunningSystem, mail_server: MailRecorder
) -> None:
    manager = _manager(system, mail_server, BATISSEURS)
    collaborator = Person(system, mail_server, BATISSEURS[0])
    request = _submit(collaborator, BATISSEURS[2])

    early = collaborator.http.post(f"/api/v1/access-requests/{request['id']}/resend")
    assert early.status_code == 409
    assert early.json()["code"] == "too_early"
    assert early.json()["resendable_at"][:10] == request["resendable_at"][:10]

    before = len(mail_server.wait_for_mail(manager.email, count=3))
    system.shift_clock(31 * 24 * 3600)
    try:
        resent = collaborator.http.post(f"/api/v1/access-requests/{request['id']}/resend")
    finally:
        system.shift_clock(0)
    assert resent.status_code == 200, resent.text
    assert resent.json()["status"] == "pending"
    relaunch = mail_server.wait_for_mail(manager.email, count=before + 1)[-1]
    assert request["id"] in relaunch.body()


def test_an_organisation_without_manager_sends_the_user_to_their_dreets(
    system: RunningSystem, mail_server: MailRecorder
) -> None:
    loner = Person(system, mail_server, LEMAN[0])

    response = loner.http.post("/api/v1/access-requests", json={"service": "ceres", "siret": LEMAN[1]})

    assert response.status_code == 422
    assert response.json()["code"] == "no_access_manager"
    assert "DREETS" in response.json()["detail"]


def test_a_manager_of_another_organisation_finds_nothing(system: RunningSystem, mail_server: MailRecorder) -> None:
    siren, _, second = SANTE_AQUITAINE
    _manager(system, mail_server, SANTE_AQUITAINE)
    other = _manager(system, mail_server, LORRAIN)
    collaborator = Person(system, mail_server, siren)
    request = _submit(collaborator, second)

    listing = other.http.get(f"/api/v1/organisations/{siren}/access-requests")
    accept = other.http.post(f"/api/v1/access-requests/{request['id']}/accept", json=_grant(second))
    foreign_user = other.http.get(f"/api/v1/organisations/{siren}/users/{collaborator.account_id}")
    own_request = collaborator.http.post(f"/api/v1/access-requests/{request['id']}/accept", json=_grant(second))

    assert listing.status_code == accept.status_code == foreign_user.status_code == own_request.status_code == 404


def test_the_last_manager_cannot_be_withdrawn(system: RunningSystem, mail_server: MailRecorder) -> None:
    manager = _manager(system, mail_server, BEARN)

    response = manager.http.delete(f"/api/v1/organisations/{BEARN[0]}/managers/{manager.account_id}")

    assert response.status_code == 409
    assert response.json()["code"] == "last_manager"
