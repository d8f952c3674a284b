"""The gateway's session guards: agents only on agent routes, CSRF on state changes (in memory)."""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from contracts.accounts import SessionV1
from gateway import auth, problems
from gateway.config import GatewaySettings
from gateway.fakes import FakeServices


def _client(kind: str) -> TestClient:
    app = FastAPI()
    problems.install(app)
    app.state.rpc = FakeServices(session=SessionV1(account_id="acc-1", kind=kind, csrf_token="csrf-1", siren=None))
    app.state.settings = GatewaySettings()

    @app.get("/api/v1/agent/ping")
    async def agent_only(agent: auth.Agent) -> dict[str, str]:
        return {"account_id": agent.account_id}

    @app.post("/api/v1/change")
    async def change(session: auth.Session) -> dict[str, str]:
        return {"account_id": session.account_id}

    return TestClient(app, cookies={auth.COOKIE: "token"})


@pytest.mark.parametrize(("kind", "status"), [("agent", 200), ("user", 403)])
def test_agent_routes_are_for_agents_only(kind: str, status: int) -> None:
    response = _client(kind).get("/api/v1/agent/ping")

    assert response.status_code == status
    if status == 403:
        assert response.json()["code"] == "forbidden"


def test_a_state_change_without_the_csrf_token_is_refused() -> None:
    client = _client("user")

    assert client.post("/api/v1/change").json()["code"] == "csrf_failed"
    assert client.post("/api/v1/change", headers={auth.CSRF_HEADER: "wrong"}).status_code == 403
    assert client.post("/api/v1/change", headers={auth.CSRF_HEADER: "csrf-1"}).status_code == 200


def test_no_cookie_is_unauthenticated() -> None:
    client = _client("user")
    client.cookies.clear()

    response = client.get("/api/v1/agent/ping")

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
