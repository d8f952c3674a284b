"""The snapshot a new subscriber starts from: the active habilitations of an establishment, through the gateway."""

from typing import Any

import httpx
import pytest

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import SERVICE_API_KEY, RunningSystem
from tests.e2e.access import Person
from tests.examples.lefevre import LEFEVRE

pytestmark = pytest.mark.e2e
URL = "/api/v1/habilitations"
KEY = {"Authorization": f"Bearer {SERVICE_API_KEY}"}


def _pages(http: httpx.Client, limit: int, siret: str = LEFEVRE[1]) -> list[list[dict[str, Any]]]:
    pages, after_id = [], None
    while True:
        params: dict[str, Any] = {"siret": siret, "limit": limit} | ({"after_id": after_id} if after_id else {})
        response = http.get(URL, params=params, headers=KEY)
        assert response.status_code == 200, response.text
        pages.append(response.json()["habilitations"])
        after_id = response.json()["next_after_id"]
        if after_id is None:
            return pages


def test_the_snapshot_holds_the_establishments_active_habilitations_page_by_page(
    system: RunningSystem, mail_server: MailRecorder, manager: Person
) -> None:
    holders = [Person(system, mail_server, LEFEVRE[0]) for _ in range(2)]
    granted = []
    for holder in holders:
        response = manager.http.post(
            f"/api/v1/organisations/{LEFEVRE[0]}/users/{holder.account_id}/habilitations",
            json={"role": "centre_agree", "siret": LEFEVRE[1]},
        )
        assert response.status_code == 201, response.text
        granted.append(response.json())
    assert manager.http.delete(f"/api/v1/habilitations/{granted[1]['id']}").status_code == 200

    with system.client() as http:
        pages = _pages(http, limit=1)
        whole = _pages(http, limit=1000)
        # Another establishment's: none of these.
        elsewhere = _pages(http, limit=1000, siret="00001622000014")

    snapshot = [h for page in pages for h in page]
    assert [len(page) for page in pages[:-1]] == [1] * (len(pages) - 1)
    assert snapshot == whole[0]
    assert [h["id"] for h in snapshot] == sorted(h["id"] for h in snapshot)
    by_account = {h["account_id"]: h for h in snapshot}
    # The manager's own habilitation and the one still granted; not the revoked one. (Another e2e
    # test manages this organisation too, so its manager's habilitation may be listed as well.)
    assert {manager.account_id, holders[0].account_id} <= set(by_account)
    assert holders[1].account_id not in by_account
    assert all(h["siret"] == LEFEVRE[1] for h in snapshot)
    assert by_account[holders[0].account_id] == {
        "id": granted[0]["id"],
        "account_id": holders[0].account_id,
        "service": "ceres",
        "role": "centre_agree",
        "siret": LEFEVRE[1],
        "end_date": None,
    }
    assert by_account[manager.account_id]["role"] == "gestionnaire_centres"
    assert all(h["siret"] == "00001622000014" for h in elsewhere[0])


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer not-a-key"}])
def test_without_a_service_key_the_snapshot_is_refused(client: httpx.Client, headers: dict[str, str]) -> None:
    response = client.get(URL, params={"siret": LEFEVRE[1]}, headers=headers)

    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "unauthenticated"


def test_a_session_of_the_manager_is_no_service_key(manager: Person) -> None:
    assert manager.http.get(URL, params={"siret": LEFEVRE[1]}).status_code == 401


@pytest.mark.parametrize(
    ("params", "field"),
    [({"siret": "0000181010001X"}, "siret"), ({"siret": "123"}, "siret"), ({"limit": "0"}, "limit")],
)
def test_a_malformed_query_is_a_problem_naming_the_field(
    client: httpx.Client, params: dict[str, str], field: str
) -> None:
    response = client.get(URL, params=params, headers=KEY)

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "validation_error"
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_spaces_in_the_siret_are_ignored(client: httpx.Client, manager: Person) -> None:
    spaced = client.get(URL, params={"siret": "000 018 101 00014"}, headers=KEY)

    assert spaced.status_code == 200, spaced.text
    assert manager.account_id in {h["account_id"] for h in spaced.json()["habilitations"]}
