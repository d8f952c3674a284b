"""Issue 14's low findings on the gateway: the headers of every answer, and what production does not publish."""

import re
import socket

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from gateway.config import GatewaySettings
from gateway.fakes import FakeServices
from gateway.main import create_app, serve_metrics_apart
from gateway.observability import HttpMetrics
from gateway.security_headers import HSTS

INTERNALS = ("/docs", "/redoc", "/openapi.json", "/asyncapi.json", "/docs-assets/swagger-ui.css")


def app_of(**settings: str) -> FastAPI:
    app = create_app(GatewaySettings(**settings))  # type: ignore[arg-type]
    app.state.rpc = FakeServices()  # the lifespan is not run: no broker

    @app.get("/api/v1/boom")
    def boom() -> None:
        raise RuntimeError("broken")

    return app


def client(**settings: str) -> TestClient:
    return TestClient(app_of(EFP_ENVIRONMENT="test", **settings), raise_server_exceptions=False)


def test_a_personal_answer_is_never_stored_nor_sniffed_even_a_refusal() -> None:
    refused = client().get("/api/v1/me")  # no session cookie

    assert refused.status_code == 401
    assert refused.headers["cache-control"] == "no-store"
    assert refused.headers["x-content-type-options"] == "nosniff"


def test_answers_written_outside_the_routes_carry_the_headers_too() -> None:
    gateway = client()
    too_large = gateway.post("/api/v1/registrations", content=b"x" * (64 * 1024 + 1))
    crashed = gateway.get("/api/v1/boom")
    unknown = gateway.get("/api/v1/nothing-here")

    for response, status in ((too_large, 413), (crashed, 500), (unknown, 404)):
        assert response.status_code == status
        assert response.headers["x-content-type-options"] == "nosniff", status
        assert response.headers["cache-control"] == "no-store", status


def test_openid_token_answers_are_not_stored_and_public_ones_keep_their_caching() -> None:
    gateway = client()

    assert gateway.post("/oidc/token", data={}).headers["cache-control"].startswith("no-store")
    assert gateway.get("/oidc/userinfo").headers["cache-control"] == "no-store"
    live = gateway.get("/health/live")
    assert live.headers["x-content-type-options"] == "nosniff"
    assert "cache-control" not in live.headers


def test_hsts_only_when_the_gateway_is_behind_https() -> None:
    assert "strict-transport-security" not in client().get("/health/live").headers
    secure = client(GATEWAY_COOKIE_SECURE="true").get("/health/live")
    assert secure.headers["strict-transport-security"] == HSTS
    assert (
        TestClient(app_of(EFP_ENVIRONMENT="production")).get("/health/live").headers["strict-transport-security"]
        == HSTS
    )


def test_the_docs_page_loads_nothing_from_another_host_and_its_assets_are_served() -> None:
    gateway = client()
    for page in ("/docs", "/redoc"):
        html = gateway.get(page)
        assert html.status_code == 200
        for other_host in ("cdn.jsdelivr", "unpkg", "fonts.googleapis", "fastapi.tiangolo"):
            assert other_host not in html.text, page
        references = re.findall(r'(?:src|href)="([^"]+)"', html.text)
        assert references, page
        for url in references:
            assert url.startswith("/docs-assets/"), url
            asset = gateway.get(url)
            assert asset.status_code == 200, url
            assert asset.headers["x-content-type-options"] == "nosniff"
    assert gateway.get("/openapi.json").status_code == 200


def test_outside_production_the_documents_and_metrics_are_public() -> None:
    gateway = client()
    for path in (*INTERNALS, "/metrics"):
        assert gateway.get(path).status_code == 200, path


def test_in_production_the_documents_and_metrics_are_not_public_by_default() -> None:
    gateway = TestClient(app_of(EFP_ENVIRONMENT="production"))
    for path in (*INTERNALS, "/metrics"):
        assert gateway.get(path).status_code == 404, path
    assert gateway.get("/health/live").status_code == 200


def test_in_production_each_can_be_published_by_its_setting() -> None:
    docs = TestClient(app_of(EFP_ENVIRONMENT="production", GATEWAY_PUBLIC_DOCS="true"))
    for path in INTERNALS:
        assert docs.get(path).status_code == 200, path
    assert docs.get("/metrics").status_code == 404
    metrics = TestClient(app_of(EFP_ENVIRONMENT="production", GATEWAY_METRICS_PUBLIC="true"))
    assert metrics.get("/metrics").status_code == 200
    assert metrics.get("/docs").status_code == 404


def test_off_the_api_port_the_metrics_are_served_on_the_metrics_port(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("EFP_METRICS_PORT", str(port))
    metrics = HttpMetrics()
    metrics.requests.labels("/health/live", "GET", "200").inc()

    assert serve_metrics_apart(GatewaySettings(EFP_ENVIRONMENT="test"), metrics) is None  # on the API port then
    server = serve_metrics_apart(GatewaySettings(EFP_ENVIRONMENT="production"), metrics)
    assert server is not None
    try:
        scraped = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5)
    finally:
        server.shutdown()
        server.server_close()
    assert scraped.status_code == 200
    assert "efp_http_requests_total" in scraped.text
