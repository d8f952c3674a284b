"""Access requests and invitations of an organisation page by page, filtered by status, establishment and name.

Shared organisation: each run names its people with a fresh surname and counts through `q`.
"""

import random
import string
import uuid
from typing import Any

import httpx
import pytest

from devstack.mail_recorder import MailRecorder
from devstack.processes import wait_until
from devstack.pytest_plugin import RunningSystem
from tests.e2e.access import Person, new_manager

pytestmark = pytest.mark.e2e

SIREN, SIRET, SIRET_2 = "000016220", "00001622000014", "00001622000030"
REQUESTS = f"/api/v1/organisations/{SIREN}/access-requests"
INVITATIONS = f"/api/v1/organisations/{SIREN}/invitations"


def _surname() -> str:
    return "Élan" + "".join(random.choices(string.ascii_lowercase, k=8))


def _get(http: httpx.Client, url: str, **params: Any) -> dict[str, Any]:
    response = http.get(url, params=params)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _ids_page_by_page(http: httpx.Client, url: str, **params: Any) -> list[list[str]]:
    pages, cursor = [], None
    while True:
        body = _get(http, url, **params, **({"cursor": cursor} if cursor else {}))
        pages.append([item["id"] for item in body["items"]])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages


def test_a_manager_filters_the_access_requests_by_status_establishment_and_requester(
    system: RunningSystem, mail_server: MailRecorder
) -> None:
    surname = _surname()
    manager = new_manager(system, mail_server, SIREN, SIRET)
    people = [Person(system, mail_server, SIREN) for _ in range(3)]
    for person, first_name in zip(people, ("Anne", "Bruno", "Chloé"), strict=True):
        response = person.http.patch("/api/v1/me", json={"last_name": surname, "first_name": first_name})
        assert response.status_code == 200, response.text
    wait_until(
        lambda: _get(manager.http, f"/api/v1/organisations/{SIREN}/users", q=surname)["total"] == 3, 20, "renamed"
    )
    requests = []
    for person, siret in zip(people, (SIRET_2, SIRET_2, SIRET), strict=True):
        response = person.http.post("/api/v1/access-requests", json={"service": "ceres", "siret": siret})
        assert response.status_code == 201, response.text
        requests.append(response.json()["id"])
    refused = manager.http.post(f"/api/v1/access-requests/{requests[1]}/refuse", json={})
    assert refused.status_code == 200, refused.text

    def total(**params: Any) -> int:
        return int(_get(manager.http, REQUESTS, q=surname.lower(), **params)["total"])

    assert total() == 3
    assert total(siret=SIRET_2) == 2
    assert total(status="pending") == 2
    assert total(status="pending", siret=SIRET_2) == 1
    assert _ids_page_by_page(manager.http, REQUESTS, q=surname, limit=1) == [[r] for r in reversed(requests)]
    assert [r["id"] for r in _get(manager.http, REQUESTS, q=people[0].email[:10])["items"]] == [requests[0]]
    assert _get(manager.http, REQUESTS, q="Chloé " + surname)["total"] == 1
    bad = manager.http.get(REQUESTS, params={"cursor": "WyJhIiwiYiIsImMiXQ"})  # three parts: a users cursor
    assert bad.status_code == 422, bad.text
    assert bad.json()["errors"][0]["field"] == "cursor"


def test_a_manager_filters_the_invitations_by_establishment_and_invited_name_or_email(
    system: RunningSystem, mail_server: MailRecorder
) -> None:
    surname = _surname()
    manager = new_manager(system, mail_server, SIREN, SIRET)
    tag = uuid.uuid4().hex[:10]
    invited = []
    for first_name, siret in (("Denis", SIRET_2), ("Emma", SIRET_2), ("Félix", SIRET)):
        body = {
            "email": f"{tag}-{first_name.lower()}@invites.example.fr",
            "civility": "monsieur",
            "last_name": surname,
            "first_name": first_name,
            "habilitations": [{"service": "ceres", "role": "centre_agree", "siret": siret}],
        }
        response = manager.http.post(INVITATIONS, json=body)
        assert response.status_code == 201, response.text
        invited.append(response.json()["id"])

    def total(**params: Any) -> int:
        return int(_get(manager.http, INVITATIONS, **params)["total"])

    assert total(q=surname.upper()) == 3
    assert total(q=surname, siret=SIRET_2) == 2
    assert total(q=surname, status="sent") == 3
    assert total(q=surname, status="expired") == 0
    assert [i["id"] for i in _get(manager.http, INVITATIONS, q=f"{tag}-emma")["items"]] == [invited[1]]
    assert total(q="felix " + surname) == 1
    assert _ids_page_by_page(manager.http, INVITATIONS, q=tag, limit=2) == [invited[:0:-1], [invited[0]]]
