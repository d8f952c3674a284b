"""Other ministry systems check authorizations with a service API key: granted, revoked, past the end date."""

from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import SERVICE_API_KEY, RunningSystem
from efp_runtime.polling import eventually_sync
from tests.e2e.access import Person, new_manager

pytestmark = pytest.mark.e2e
# An organisation of the SIRENE sample no other e2e test uses.
VAL_DE_LOIRE = ("000016220", "00001622000014", "00001622000022")
URL = "/api/v1/authorizations/check"
DAY = 24 * 3600


def _check(system: RunningSystem, account_id: str, role: str, siret: str, key: str | None = SERVICE_API_KEY) -> Any:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    with system.client() as http:
        response = http.get(
            URL, params={"account_id": account_id, "service": "ceres", "role": role, "siret": siret}, headers=headers
        )
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture(scope="module")
def manager(system: RunningSystem, mail_server: MailRecorder) -> Person:
    person = new_manager(system, mail_server, VAL_DE_LOIRE[0], VAL_DE_LOIRE[1])
    return person


def _grant(manager: Person, holder: Person, siret: str, end_date: date | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"role": "centre_agree", "siret": siret}
    if end_date:
        body["end_date"] = end_date.isoformat()
    response = manager.http.post(
        f"/api/v1/organisations/{VAL_DE_LOIRE[0]}/users/{holder.account_id}/habilitations", json=body
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def test_a_granted_habilitation_is_allowed_until_it_is_revoked(
    system: RunningSystem, mail_server: MailRecorder, manager: Person
) -> None:
    siret = VAL_DE_LOIRE[2]
    holder = Person(system, mail_server, VAL_DE_LOIRE[0])
    assert _check(system, holder.account_id, "centre_agree", siret) == {"allowed": False}

    granted = _grant(manager, holder, siret)

    allowed = eventually_sync(lambda: _check(system, holder.account_id, "centre_agree", siret)["allowed"], within=10)
    assert allowed
    assert _check(system, holder.account_id, "centre_agree", siret) == {
        "allowed": True,
        "habilitation_id": granted["id"],
    }
    assert _check(system, holder.account_id, "gestionnaire_centres", siret) == {"allowed": False}
    assert _check(system, holder.account_id, "centre_agree", VAL_DE_LOIRE[1]) == {"allowed": False}
    assert _check(system, manager.account_id, "gestionnaire_centres", VAL_DE_LOIRE[1])["allowed"]

    revoked = manager.http.delete(f"/api/v1/habilitations/{granted['id']}")
    assert revoked.status_code == 200, revoked.text

    refused = eventually_sync(
        lambda: not _check(system, holder.account_id, "centre_agree", siret)["allowed"], within=10
    )
    assert refused


def test_past_its_end_date_a_habilitation_is_refused_even_before_the_sweeper_runs(
    system: RunningSystem, mail_server: MailRecorder, manager: Person
) -> None:
    siret = VAL_DE_LOIRE[1]
    holder = Person(system, mail_server, VAL_DE_LOIRE[0])
    end = date.today() + timedelta(days=2)
    granted = _grant(manager, holder, siret, end)
    allowed = eventually_sync(lambda: _check(system, holder.account_id, "centre_agree", siret)["allowed"], within=10)
    assert allowed
    assert _check(system, holder.account_id, "centre_agree", siret) == {
        "allowed": True,
        "habilitation_id": granted["id"],
        "end_date": end.isoformat(),
    }

    system.shift_clock(3 * DAY)
    try:
        # At once: no event has to arrive, the date is enough.
        after_the_end = _check(system, holder.account_id, "centre_agree", siret)
    finally:
        system.shift_clock(0)
    assert after_the_end == {"allowed": False}


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer not-a-key"}, {"Authorization": SERVICE_API_KEY}, {"X-Api-Key": SERVICE_API_KEY}],
)
def test_without_a_valid_service_key_the_check_is_refused(
    client: httpx.Client, manager: Person, headers: dict[str, str]
) -> None:
    params = {"account_id": manager.account_id, "service": "ceres", "role": "gestionnaire_centres"}
    params["siret"] = VAL_DE_LOIRE[1]

    response = client.get(URL, params=params, headers=headers)

    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "unauthenticated"


def test_a_browser_session_is_no_service_key(manager: Person) -> None:
    params = {"account_id": manager.account_id, "service": "ceres", "role": "gestionnaire_centres"}

    response = manager.http.get(URL, params={**params, "siret": VAL_DE_LOIRE[1]})

    assert response.status_code == 401
