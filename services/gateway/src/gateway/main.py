"""Gateway entry point: create_app() builds the FastAPI app; run() serves it with uvicorn."""

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from wsgiref.simple_server import WSGIServer

import uvicorn
from fastapi import FastAPI, Request, Response
from prometheus_client import start_http_server

from contracts.errors import ErrorCode
from efp_runtime.clock import clock_from
from efp_runtime.message_context import correlation_id_var
from efp_runtime.metrics import MetricsSettings
from efp_runtime.rpc import RpcClient
from efp_runtime.structured_logging import configure_logging
from efp_runtime.telemetry import tracer_provider
from gateway import problems, security_headers, service_keys
from gateway.authorization_feed import AuthorizationFeed
from gateway.config import GatewaySettings
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

SERVICE = "gateway"
CORRELATION_HEADER = "X-Correlation-ID"
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
        app.state.rpc = rpc
        app.state.authorizations = feed = AuthorizationFeed(settings.amqp_url, rpc, app.state.clock)
        await feed.start()
        server = serve_metrics_apart(settings, metrics)
        try:
            yield
        finally:
            await feed.close()
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
    )
    app.state.settings = settings
    # The test system's shifted clock, or the system's: the authorization copy's today, the export's date.
    app.state.clock = clock_from(settings.test_clock_file, settings.environment)
    problems.install(app)
    service_keys.install(app)

    @app.middleware("http")
    async def limit_body(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        # Refused before reading it; uvicorn rejects a body longer than its Content-Length.
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > settings.max_body_bytes):
            return problems.problem_response(ErrorCode.PAYLOAD_TOO_LARGE, "Le contenu envoyé est trop volumineux.")
        if (
            length is None
            and request.method in ("POST", "PUT", "PATCH")
            and "chunked" in request.headers.get("transfer-encoding", "")
        ):
            return problems.problem_response(
                ErrorCode.PAYLOAD_TOO_LARGE, "Indiquez la taille du contenu envoyé.", status=411
            )
        return await call_next(request)

    @app.middleware("http")
    async def correlation(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        # A caller's id is kept only if it is short and plain, so logs cannot be forged through it.
        given = request.headers.get(CORRELATION_HEADER, "")
        correlation_id = given if 0 < len(given) <= 64 and given.replace("-", "").isalnum() else str(uuid.uuid4())
        token = correlation_id_var.set(correlation_id)
        try:
            response = await call_next(request)
        finally:
            correlation_id_var.reset(token)
        response.headers[CORRELATION_HEADER] = correlation_id
        return response

    routers = (health, captchas, registrations, organisations, session, me, privacy, password_resets, access_requests)
    later = (access_management, activation, messages, invitations, authorizations, habilitation_snapshot, asyncapi)
    sign_in = (oidc_sign_in, oidc_provider)
    for module in (*routers, second_factor, *later, *sign_in):
        if module is not asyncapi or public_docs:
            app.include_router(module.router)
    if public_docs:
        docs.install(app, OPENAPI_URL)
    # Outside the others, so that what they refuse (413, 411) carries the headers too.
    security_headers.install(app, hsts=settings.secure_cookies())
    # Last: the outermost middleware also measures what the others refuse (413, 411).
    metrics.install(app)
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
