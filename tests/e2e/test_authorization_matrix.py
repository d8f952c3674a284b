"""Every gateway route called by each kind of caller: the status (and refusal code) each must get.

The table is tests/e2e/authorization_table.py; the callers and their resources are in
authorization_world.py. A route of the OpenAPI document missing from the table fails the test.
"""

from collections.abc import Iterator
from typing import Any

import pytest

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import RunningSystem
from tests.e2e.authorization_table import ROWS, Row
from tests.e2e.authorization_world import ACTORS, World

pytestmark = pytest.mark.e2e
PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def world(system: RunningSystem, mail_server: MailRecorder) -> Iterator[World]:
    built = World(system, mail_server)
    try:
        yield built
    finally:
        built.close()


@pytest.fixture(scope="module")
def documented(system: RunningSystem) -> set[tuple[str, str]]:
    with system.client() as http:
        document: dict[str, Any] = http.get("/openapi.json").json()
    return {(method.upper(), path) for path, operations in document["paths"].items() for method in operations}


def _cells() -> list[Any]:
    return [
        pytest.param(row, actor, id=f"{row.method} {row.path} as {actor}", marks=_marks(row, actor))
        for row in ROWS
        for actor in ACTORS
    ]


def _marks(row: Row, actor: str) -> list[pytest.MarkDecorator]:
    return [pytest.mark.xfail(strict=True, reason=row.bugs[actor])] if actor in row.bugs else []


@pytest.mark.parametrize(("row", "actor"), _cells())
def test_each_route_answers_each_caller_as_the_table_says(
    row: Row, actor: str, world: World, documented: set[tuple[str, str]]
) -> None:
    if row.pending and row.documented and row.key not in documented:
        pytest.skip(f"{row.method} {row.path} is not served yet")
    if row.pending and not row.documented and world.clients["anonymous"].get(row.path).status_code == 404:
        pytest.skip(f"{row.method} {row.path} is not served yet")
    call = row.call(world, actor)
    client = call.client or world.clients[actor]

    response = client.request(row.method, call.path, json=call.json, params=call.params)

    status, code = row.expect[actor]
    assert response.status_code == status, f"{row.method} {call.path} as {actor}: {response.text[:500]}"
    if code is not None:
        assert response.headers["content-type"].startswith(PROBLEM)
        assert response.json()["code"] == code


def test_the_table_has_every_documented_route_and_no_other(documented: set[tuple[str, str]]) -> None:
    rows = [row.key for row in ROWS if row.documented]
    assert len(rows) == len(set(rows)), "a route appears twice in the table"
    missing = sorted(documented - set(rows))
    stale = sorted(row.key for row in ROWS if row.documented and not row.pending and row.key not in documented)

    assert not missing, f"routes of the OpenAPI document missing from the table: {missing}"
    assert not stale, f"routes of the table missing from the OpenAPI document: {stale}"


def test_every_row_says_what_each_caller_gets() -> None:
    assert [row.key for row in ROWS if set(row.expect) != set(ACTORS)] == []
    assert [row.key for row in ROWS if not set(row.bugs) <= set(ACTORS)] == []
