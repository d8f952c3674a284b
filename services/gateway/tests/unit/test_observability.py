"""Gateway metrics by route template, method and status; HTTP tracing when switched on."""

from fastapi import FastAPI
from fastapi.testclient import TestClient
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from efp_runtime.telemetry import TelemetrySettings, tracer_provider
from gateway.edge import Edge
from gateway.observability import HttpMetrics, trace_requests


def _app() -> tuple[FastAPI, HttpMetrics]:
    app = FastAPI()

    @app.get("/api/v1/things/{thing_id}")
    def get_thing(thing_id: str) -> dict[str, str]:
        return {"id": thing_id}

    @app.post("/api/v1/things")
    def add_thing() -> dict[str, str]:
        return {}

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("broken")

    metrics = HttpMetrics()
    metrics.install(app)
    # The gateway's edge middleware measures; its body limit refuses before routing.
    app.add_middleware(Edge, max_bytes=10, hsts=False, metrics=metrics)
    return app, metrics


def count(metrics: HttpMetrics, route: str, method: str, status: str) -> float | None:
    return metrics.registry.get_sample_value(
        "efp_http_requests_total", {"route": route, "method": method, "status": status}
    )


def test_requests_are_counted_by_route_template_method_and_status() -> None:
    app, metrics = _app()
    with TestClient(app, raise_server_exceptions=False) as client:
        client.get("/api/v1/things/0f1e2d3c")
        client.get("/api/v1/things/4b5a6978")
        client.get("/nowhere/12345")
        client.post("/api/v1/things", content=b"x" * 50)
        client.request("BREW", "/api/v1/things")
        client.get("/boom")
        scraped = client.get("/metrics")

    assert count(metrics, "/api/v1/things/{thing_id}", "GET", "200") == 2
    assert count(metrics, "unmatched", "GET", "404") == 1
    assert count(metrics, "/api/v1/things", "POST", "413") == 1  # refused before routing, still its route
    assert count(metrics, "/api/v1/things", "other", "405") == 1
    assert count(metrics, "/boom", "GET", "500") == 1
    assert scraped.headers["content-type"].startswith("text/plain")
    assert 'route="/api/v1/things/{thing_id}"' in scraped.text
    assert 'route="/metrics"' not in scraped.text
    assert "/metrics" not in app.openapi()["paths"]


def test_enabled_tracing_records_a_span_per_request_named_after_its_route() -> None:
    exporter = InMemorySpanExporter()
    provider = tracer_provider("gateway", TelemetrySettings(EFP_OTEL_ENABLED=True), exporter)
    assert provider is not None
    app, _ = _app()
    trace_requests(app, provider)
    with TestClient(app) as client:
        client.get("/api/v1/things/0f1e2d3c")
        client.get("/metrics")
    provider.force_flush()

    names = {span.name for span in exporter.get_finished_spans()}
    assert "GET /api/v1/things/{thing_id}" in names
    assert not [name for name in names if "metrics" in name]
    provider.shutdown()
