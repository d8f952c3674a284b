"""« Gestion des utilisateurs » page by page: `{items, next_cursor, total}`, filters by role, establishment and name.

The organisation is shared with other journeys of the session, so each run names its people with a
fresh surname and counts through `q`; the walk over the whole organisation checks itself against `total`.
"""

import random
import string
from typing import Any

import httpx
import pytest

from devstack.mail_recorder import MailRecorder
from devstack.processes import wait_until
from devstack.pytest_plugin import RunningSystem
from tests.e2e.access import Person, become_manager, new_manager

pytestmark = pytest.mark.e2e

SIREN, SIRET, SIRET_2 = "000016220", "00001622000014", "00001622000030"
URL = f"/api/v1/organisations/{SIREN}/users"


def _pages(http: httpx.Client, **params: Any) -> list[dict[str, Any]]:
    pages, cursor = [], None
    while True:
        response = http.get(URL, params={**params, **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200, response.text
        pages.append(response.json())
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return pages


def _rename(person: Person, last_name: str, first_name: str) -> None:
    response = person.http.patch("/api/v1/me", json={"last_name": last_name, "first_name": first_name})
    assert response.status_code == 200, response.text


def _grant(manager: Person, holder: Person, role: str, siret: str) -> None:
    body = {"service": "ceres", "role": role, "siret": siret}
    response = manager.http.post(f"{URL}/{holder.account_id}/habilitations", json=body)
    assert response.status_code == 201, response.text


def _total(http: httpx.Client, **params: Any) -> int:
    response = http.get(URL, params=params)
    assert response.status_code == 200, response.text
    return int(response.json()["total"])


def test_a_manager_pages_through_the_users_and_filters_them_by_role_establishment_and_name(
    system: RunningSystem, mail_server: MailRecorder
) -> None:
    surname = "Élan" + "".join(random.choices(string.ascii_lowercase, k=8))
    manager = Person(system, mail_server, SIREN)
    become_manager(system, manager, SIRET)  # gestionnaire_centres on SIRET
    wanda, xavier, yves, zoe = (Person(system, mail_server, SIREN) for _ in range(4))
    for person, first_name in ((manager, "Aude"), (wanda, "Wanda"), (xavier, "Xavier"), (yves, "Yves"), (zoe, "Zoé")):
        _rename(person, surname, first_name)
    _grant(manager, wanda, "centre_agree", SIRET_2)
    _grant(manager, xavier, "centre_agree", SIRET_2)
    _grant(manager, yves, "gestionnaire_centres", SIRET_2)
    q = surname.upper().replace("É", "E")  # case and accents do not matter
    wait_until(lambda: _total(manager.http, q=q) == 5, 20, "the five renamed people listed")

    mine = _pages(manager.http, q=q, limit=2)
    everyone = _pages(manager.http, limit=2)

    order = [manager, wanda, xavier, yves, zoe]
    assert [[u["account_id"] for u in page["items"]] for page in mine] == [
        [p.account_id for p in order[0:2]],
        [p.account_id for p in order[2:4]],
        [order[4].account_id],
    ]
    assert {page["total"] for page in mine} == {5}
    assert all(len(page["items"]) <= 2 for page in everyone)
    seen = [u["account_id"] for page in everyone for u in page["items"]]
    assert len(seen) == len(set(seen)) == everyone[0]["total"]
    assert {p.account_id for p in order} <= set(seen)
    assert _total(manager.http, q=q, role="centre_agree") == 2
    assert _total(manager.http, q=q, siret=SIRET_2) == 3
    assert _total(manager.http, q=q, role="gestionnaire_centres") == 2
    assert _total(manager.http, q=q, role="gestionnaire_centres", siret=SIRET_2) == 1
    [found] = manager.http.get(URL, params={"q": f"zoe {surname}"}).json()["items"]
    assert found["account_id"] == zoe.account_id
    assert _total(manager.http, q="Xavier " + surname[:3]) >= 1


def test_a_cursor_or_a_limit_the_gateway_did_not_give_is_refused_in_french(
    system: RunningSystem, mail_server: MailRecorder
) -> None:
    manager = new_manager(system, mail_server, SIREN, SIRET)

    answers = [
        manager.http.get(URL, params=params)
        for params in ({"cursor": "pas-un-curseur!"}, {"cursor": "WyJhIl0"}, {"limit": 0}, {"limit": 201})
    ]

    for response in answers:
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == "validation_error"
    assert [e["field"] for r in answers for e in r.json()["errors"]] == ["cursor", "cursor", "limit", "limit"]
    assert "curseur" in answers[0].json()["errors"][0]["message"]
