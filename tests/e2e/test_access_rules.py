"""The catalogue, wrong activation codes, managers appointed and withdrawn, and forbidden calls."""

import pytest

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import RunningSystem
from tests.e2e.access import Person, new_manager

pytestmark = pytest.mark.e2e
# Organisations of the SIRENE sample no other e2e test uses.
ALENCON = ("000014340", "00001434000012")
MERCIER_SIREN, MERCIER_SIRET = "000014811", "00001481100012"  # Transports Mercier et Fils
NORMANDIE = ("000017160", "00001716000011", "00001716000029")


def test_the_ceres_roles_are_listed_with_their_labels(system: RunningSystem) -> None:
    with system.client() as anonymous:
        roles = anonymous.get("/api/v1/services/ceres/roles").json()["items"]

    assert {(r["role"], r["label"]) for r in roles} == {
        ("centre_agree", "Centre agréé"),
        ("gestionnaire_centres", "Gestionnaire CENTRES"),
    }


def test_wrong_activation_codes_are_refused_then_rate_limited(system: RunningSystem, mail_server: MailRecorder) -> None:
    person = Person(system, mail_server, ALENCON[0])
    attempts = [
        person.http.post("/api/v1/activations", json={"siret": ALENCON[1], "activation_code": "ABCDEFGHJKMN"})
        for _ in range(6)
    ]

    assert [a.status_code for a in attempts[:5]] == [400] * 5
    assert attempts[0].json()["code"] == "invalid_activation_code"
    assert attempts[5].status_code == 429
    assert int(attempts[5].headers["Retry-After"]) > 0


def test_a_manager_appoints_a_second_manager_who_can_then_be_withdrawn(
    system: RunningSystem, mail_server: MailRecorder
) -> None:
    siren, first, _ = NORMANDIE
    manager = new_manager(system, mail_server, siren, first)
    colleague = Person(system, mail_server, siren)

    appointed = manager.http.put(f"/api/v1/organisations/{siren}/managers/{colleague.account_id}")
    assert appointed.status_code == 200, appointed.text
    assert appointed.json()["manager_right"]["via"] == "manager"
    assert colleague.me()["manager_of"] == [siren]
    withdrawn = manager.http.delete(f"/api/v1/organisations/{siren}/managers/{colleague.account_id}")

    assert withdrawn.status_code == 204
    assert colleague.me()["manager_of"] == []
    assert colleague.http.get(f"/api/v1/organisations/{siren}/users").status_code == 404


def test_users_see_only_their_own_requests_and_cannot_manage(system: RunningSystem, mail_server: MailRecorder) -> None:
    new_manager(system, mail_server, MERCIER_SIREN, MERCIER_SIRET)  # requests go to an access manager: there is one
    asker, other = Person(system, mail_server, MERCIER_SIREN), Person(system, mail_server, MERCIER_SIREN)
    request = asker.http.post("/api/v1/access-requests", json={"service": "ceres", "siret": MERCIER_SIRET}).json()

    assert other.http.get("/api/v1/me/access-requests").json()["items"] == []
    assert other.http.post(f"/api/v1/access-requests/{request['id']}/cancel").status_code == 404
    assert other.http.post(f"/api/v1/access-requests/{request['id']}/refuse", json={}).status_code == 404
    assert other.http.get(f"/api/v1/organisations/{MERCIER_SIREN}/access-requests").status_code == 404
    granted = other.http.post(
        f"/api/v1/organisations/{MERCIER_SIREN}/users/{other.account_id}/habilitations",
        json={"role": "centre_agree", "siret": MERCIER_SIRET},
    )
    assert granted.status_code == 404
    assert asker.http.post(f"/api/v1/access-requests/{request['id']}/cancel").json()["status"] == "cancelled"
