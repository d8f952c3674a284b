"""The `Rpc` dependency nearly every route declares is a coroutine: FastAPI would run a plain function in
its thread pool, one thread hop per request (a fifth of an authorization check's CPU)."""

import inspect
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from contracts.identity import CaptchaCreatedV1
from gateway.config import GatewaySettings
from gateway.fakes import FakeServices
from gateway.main import create_app
from gateway.rpc import rpc_client

pytestmark = pytest.mark.unit


def test_the_rpc_dependency_runs_on_the_event_loop() -> None:
    assert inspect.iscoroutinefunction(rpc_client)


def test_a_route_still_gets_the_app_s_client() -> None:
    app = create_app(GatewaySettings(EFP_ENVIRONMENT="test"))  # type: ignore[call-arg]
    app.state.rpc = FakeServices(CaptchaCreatedV1(captcha_id="c-1", expires_at=datetime(2030, 1, 15, tzinfo=UTC)))

    answer = TestClient(app).post("/api/v1/captchas")

    assert answer.status_code == 201
    assert answer.json()["captcha_id"] == "c-1"
