"""Gateway entry point: create_app() builds the FastAPI app; run() serves it with uvicorn."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from wsgiref.simple_server import WSGIServer

import uvicorn
from fastapi import FastAPI
from prometheus_client import start_http_server

from efp_runtime.clock import clock_from
from efp_runtime.metrics import MetricsSettings
from efp_runtime.rpc import RpcClient
from efp_runtime.structured_logging import configure_logging
from efp_runtime.telemetry import tracer_provider
from gateway import problems, security_headers, service_keys
from gateway.authorization_feed import AuthorizationFeed
from gateway.config import GatewaySettings
from gateway.edge import Edge
from gateway.observability import METRICS_PATH, HttpMetrics, trace_requests
from gateway.routes import (
    access_management,
    access_requests,
    activation,
    asyncapi,
    authorizations,
    captchas,
    docs,
    habilitation_snapshot,
    health,
    invitations,
    me,
    messages,
    oidc_provider,
    oidc_sign_in,
    organisations,
    password_resets,
    privacy,
    registrations,
    second_factor,
    session,
)
from gateway.session_cache import SessionCache, SessionChanges

SERVICE = "gateway"
OPENAPI_URL = "/openapi.json"


def create_app(settings: GatewaySettings | None = None) -> FastAPI:
    settings = settings or GatewaySettings()
    configure_logging(SERVICE, settings.log_level, settings.log_format)
    tracing = tracer_provider(SERVICE)
    metrics = HttpMetrics()
    public_docs = settings.docs_served()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        rpc = RpcClient(settings.amqp_url, SERVICE, settings.rpc_timeout_seconds)
        await rpc.connect()
        sessions = None
        app.state.rpc = rpc
        if settings.session_cache_seconds > 0:
            app.state.sessions = sessions = SessionCache(
                settings.amqp_url, app.state.clock, settings.session_cache_seconds
            )
            await sessions.start()
            app.state.rpc = SessionChanges(rpc, sessions)
        app.state.authorizations = feed = AuthorizationFeed(
            settings.amqp_url, rpc, app.state.clock, page_timeout_seconds=settings.snapshot_timeout_seconds
        )
        await feed.start()
        server = serve_metrics_apart(settings, metrics)
        try:
            yield
        finally:
            await feed.close()
            if sessions is not None:
                await sessions.close()
            await rpc.close()
            if server is not None:
                server.shutdown()
                server.server_close()
            if tracing is not None:
                tracing.shutdown()

    app = FastAPI(
        title="EFP Connect — passerelle HTTP",
        version="1.0.0",
        description="API du compte EFP Connect et de la gestion des accès (voir API.md).",
        lifespan=lifespan,
        # Our own pages (routes/docs.py), without a CDN; none of them, nor the document, when not public.
        docs_url=None,
        redoc_url=None,
        openapi_url=OPENAPI_URL if public_docs else None,
        # Our spans are OpenTelemetry's FastAPI instrumentation's (EFP_OTEL_ENABLED, trace_requests below).
        # FastAPI's own would double them once a global provider is set, and looks for one on every request.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.settings = settings
    # The test system's shifted clock, or the system's: the authorization copy's today, the export's date.
    app.state.clock = clock_from(settings.test_clock_file, settings.environment)
    problems.install(app)
    service_keys.install(app)

    # The authorization check first: other systems call it far more than anything else, and each request
    # is matched against the routes in this order (no other router's paths overlap its one path).
    authorizations.install(app)
    routers = (health, captchas, registrations, organisations, session, me, privacy, password_resets)
    later = (access_requests, access_management, activation, messages, invitations, habilitation_snapshot, asyncapi)
    sign_in = (oidc_sign_in, oidc_provider)
    for module in (*routers, second_factor, *later, *sign_in):
        if module is not asyncapi or public_docs:
            app.include_router(module.router)
    if public_docs:
        docs.install(app, OPENAPI_URL)
    # The crash answer's headers; every other answer gets them from the edge middleware.
    hsts = settings.secure_cookies()  # served over HTTPS: browsers ignore HSTS otherwise
    security_headers.install(app, hsts=hsts)
    metrics.install(app)
    app.add_middleware(Edge, max_bytes=settings.max_body_bytes, hsts=hsts, metrics=metrics)
    if not settings.metrics_on_api_port():
        # install() always serves GET /metrics: taken back here (serve_metrics_apart serves them then).
        app.router.routes[:] = [route for route in app.router.routes if getattr(route, "path", None) != METRICS_PATH]
    if tracing is not None:
        trace_requests(app, tracing)
    return app


def serve_metrics_apart(settings: GatewaySettings, metrics: HttpMetrics) -> WSGIServer | None:
    """Off the API port, each replica's metrics are on EFP_METRICS_PORT (none if unset), as the workers':
    Prometheus reaches them over the internal network, the proxy does not publish them."""
    apart = MetricsSettings()
    if settings.metrics_on_api_port() or not apart.port:
        return None
    server, _ = start_http_server(apart.port, apart.host, registry=metrics.registry)
    return server


def run() -> None:
    settings = GatewaySettings()
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        # The person's address (rate limits, login audit) when the web frontend calls on their behalf.
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
    )
