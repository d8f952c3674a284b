"""The body limit and the correlation id, now pure ASGI middlewares: same answers as before, and the id
reaches the routes' context (the RPC envelopes and the logs read it there)."""

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from efp_runtime.message_context import correlation_id_var
from gateway.config import GatewaySettings
from gateway.correlation import CORRELATION_HEADER
from gateway.fakes import FakeServices
from gateway.main import create_app

pytestmark = pytest.mark.unit


def gateway() -> TestClient:
    app: FastAPI = create_app(GatewaySettings(EFP_ENVIRONMENT="test"))  # type: ignore[call-arg]
    app.state.rpc = FakeServices()  # the lifespan is not run: no broker

    @app.get("/api/v1/seen-correlation")
    def seen() -> dict[str, str | None]:
        return {"id": correlation_id_var.get()}

    return TestClient(app, raise_server_exceptions=False)


def test_a_body_over_the_limit_is_a_413_problem_carrying_the_correlation_id() -> None:
    refused = gateway().post(
        "/api/v1/registrations", content=b"x" * (64 * 1024 + 1), headers={CORRELATION_HEADER: "j-1"}
    )

    assert refused.status_code == 413
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["code"] == "payload_too_large"
    assert refused.headers[CORRELATION_HEADER] == "j-1"


def test_a_length_that_is_no_number_is_refused_too() -> None:
    refused = gateway().post("/api/v1/registrations", content=b"{}", headers={"content-length": "2x"})

    assert refused.status_code == 413


def test_a_chunked_body_without_length_is_a_411() -> None:
    def chunks() -> httpx.SyncByteStream:
        yield b"{}"  # type: ignore[misc]

    refused = gateway().post("/api/v1/registrations", content=chunks())  # type: ignore[arg-type]

    assert refused.status_code == 411
    assert refused.json()["code"] == "payload_too_large"


def test_a_plain_caller_id_reaches_the_route_and_comes_back() -> None:
    answer = gateway().get("/api/v1/seen-correlation", headers={CORRELATION_HEADER: "journey-42"})

    assert answer.json() == {"id": "journey-42"}
    assert answer.headers[CORRELATION_HEADER] == "journey-42"


def test_a_forged_caller_id_is_replaced_by_a_fresh_one() -> None:
    answer = gateway().get("/api/v1/seen-correlation", headers={CORRELATION_HEADER: "forged id!"})

    fresh = answer.headers[CORRELATION_HEADER]
    assert fresh != "forged id!"
    assert len(fresh) == 36
    assert answer.json() == {"id": fresh}


def test_the_id_does_not_leak_out_of_the_request() -> None:
    gateway().get("/api/v1/seen-correlation", headers={CORRELATION_HEADER: "journey-43"})

    assert correlation_id_var.get() is None
