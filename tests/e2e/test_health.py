"""Liveness and readiness of the gateway, and the OpenAPI document."""

import httpx
import pytest

from contracts.topology import SERVICES

pytestmark = pytest.mark.e2e


def test_live_and_ready_when_every_service_answers(client: httpx.Client) -> None:
    assert client.get("/health/live").json() == {"status": "ok", "services": {}}
    ready = client.get("/health/ready")
    assert ready.status_code == 200
    assert ready.json()["services"] == dict.fromkeys(SERVICES, "ok")


def test_the_openapi_document_lists_the_signup_routes(client: httpx.Client) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/v1/captchas", "/api/v1/registrations", "/api/v1/registrations/{registration_id}/verify"} <= set(paths)
    assert client.get("/docs").status_code == 200
