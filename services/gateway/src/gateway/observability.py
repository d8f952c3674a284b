"""The gateway's metrics (requests by route template, method and status, on GET /metrics) and HTTP tracing."""

from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from starlette.routing import Match
from starlette.types import Scope

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider

METRICS_PATH = "/metrics"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# Probes and scrapes every few seconds would bury the traces worth reading.
UNTRACED_PATHS = "/metrics,/health/live,/health/ready"


class HttpMetrics:
    """The gateway's registry and its request metrics; labels are bounded (templates, not paths)."""

    def __init__(self) -> None:
        # A registry per app, not the global one: tests build several apps in one process.
        self.registry = CollectorRegistry()
        for collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
            self.registry.register(collector)
        labels = ["route", "method", "status"]
        self.requests = Counter(
            "efp_http_requests_total",
            "HTTP requests answered, by route template, method and status.",
            labels,
            registry=self.registry,
        )
        self.seconds = Histogram(
            "efp_http_request_seconds",
            "Time to answer an HTTP request, by route template, method and status.",
            labels,
            registry=self.registry,
        )
        # Each label set's two children, looked up once: `labels()` validates and locks on every call.
        self._children: dict[tuple[str, str, str], tuple[Any, Any]] = {}

    def record(self, route: str, method: str, status: str, seconds: float) -> None:
        children = self._children.get((route, method, status))
        if children is None:
            children = self.requests.labels(route, method, status), self.seconds.labels(route, method, status)
            self._children[route, method, status] = children
        children[0].inc()
        children[1].observe(seconds)

    def install(self, app: FastAPI) -> None:
        """Serve GET /metrics (left out of the OpenAPI document: it is for Prometheus, not API clients).
        The edge middleware (gateway/edge.py) measures every other request."""

        @app.get(METRICS_PATH, include_in_schema=False)
        def metrics() -> Response:
            return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)


def route_template(scope: Scope) -> str:
    """The route's path template; a request refused before routing (413, 411) is matched here."""
    route = scope.get("route")
    if route is None:
        for candidate in getattr(scope.get("app"), "routes", ()):
            match, _ = candidate.matches(scope)
            if match is Match.FULL:
                route = candidate
                break
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "unmatched"


def trace_requests(app: Any, provider: "TracerProvider") -> None:
    """A span per HTTP request, named after its route template (EFP_OTEL_ENABLED=true)."""
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    FastAPIInstrumentor.instrument_app(app, tracer_provider=provider, excluded_urls=UNTRACED_PATHS)
