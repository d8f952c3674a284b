"""Web entry point: create_app() builds the pages' app; run() serves it with uvicorn."""

import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from pymongo import AsyncMongoClient
from starlette.exceptions import HTTPException
from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import HTMLResponse, RedirectResponse

from web import pages
from web.config import WebSettings
from web.gateway import (
    Gateway,
    GatewayError,
    GatewayTime,
    GatewayUnavailable,
    LoginRequired,
    SecondFactorNeeded,
    http_client,
)
from web.page import AlreadyDone, login_location
from web.pages.second_factor.common import second_factor_needed
from web.pages.sign_in.request import sign_in_return_origin
from web.rendering import environment
from web.security import UNSAFE_METHODS, CsrfRefused, add_security_headers, origin_allowed
from web.sessions import MongoSessionStore, SessionStore, open_session

STATIC = Path(__file__).parent / "static"
CORRELATION_HEADER = "X-Correlation-ID"
# Answered without a web session: probes, and relying parties fetching the discovery document.
NO_SESSION = {"/health/live", "/.well-known/openid-configuration"}
# Endpoints another site's form may post to (OpenID Connect Core §3.1.2.1, RP-Initiated Logout §2):
# they change nothing by themselves that a GET could not.
FROM_OTHER_SITES = {"/oidc/authorize", "/oidc/logout"}
log = logging.getLogger("web")


def create_app(settings: WebSettings | None = None, store: SessionStore | None = None) -> FastAPI:
    settings = settings or WebSettings()
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s")
    secure = settings.secure_cookies()
    # `__Host-` needs Secure, which needs HTTPS: local runs over plain HTTP use a plain name.
    cookie_name = "__Host-efp_web" if secure else "efp_web"
    idle = timedelta(seconds=settings.session_idle_seconds)
    absolute = timedelta(seconds=settings.session_absolute_seconds)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        client = http_client(settings.gateway_url, settings.gateway_timeout_seconds)
        app.state.gateway = Gateway(client)
        mongo: AsyncMongoClient[dict[str, Any]] | None = None
        if store is None:
            # Idle pooled connections are dropped before the store closes them on its side.
            mongo = AsyncMongoClient(settings.mongodb_url, tz_aware=True, maxIdleTimeMS=60_000)
            mongo_store = MongoSessionStore(mongo, settings.database, idle)
            await mongo_store.create_indexes()
            app.state.sessions = mongo_store
        else:
            app.state.sessions = store
        try:
            yield
        finally:
            await client.aclose()
            if mongo is not None:
                await mongo.close()

    app = FastAPI(title="EFP Connect — pages", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.templates = templates = environment()
    templates.globals["dsfr"] = "/static/dsfr"

    def page_error(request: Request, status: int, title: str, message: str, retry: bool = False) -> HTMLResponse:
        html = templates.get_template("pages/error.html.j2").render(
            title=title, message=message, retry=retry, path=request.url.path, me=None, csrf_token="", status=status
        )
        return HTMLResponse(html, status_code=status)

    def personal(response: Response) -> Response:
        """A page (not a static asset): kept by no cache, and with every security header."""
        response.headers["Cache-Control"] = "no-store"
        add_security_headers(response, secure)
        return response

    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, exc: LoginRequired) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if request.method in UNSAFE_METHODS:
            target = request.url.path
        return RedirectResponse(login_location(target), status_code=303)

    @app.exception_handler(GatewayUnavailable)
    async def unavailable(request: Request, exc: GatewayUnavailable) -> Response:
        response = page_error(
            request,
            503,
            "Service momentanément indisponible",
            "Le service est momentanément indisponible. Veuillez réessayer dans quelques instants.",
            retry=True,
        )
        response.headers["Retry-After"] = exc.retry_after or "30"
        return response

    @app.exception_handler(GatewayError)
    async def refused(request: Request, exc: GatewayError) -> Response:
        problem = exc.problem
        if problem.status == 404:
            return page_error(request, 404, "Page non trouvée", problem.detail)
        status = problem.status if problem.status in (403, 409, 429) else 400
        return page_error(request, status, "Votre demande n’a pas pu aboutir", problem.detail)

    @app.exception_handler(SecondFactorNeeded)
    async def second_factor(request: Request, exc: SecondFactorNeeded) -> Response:
        """Every page alike: a step-up goes through the second-factor page and back, a missing
        enrolment says how to do it (pages/second_factor/common.py)."""
        return second_factor_needed(request, templates, exc)

    @app.exception_handler(CsrfRefused)
    async def csrf_refused(request: Request, exc: CsrfRefused) -> Response:
        return page_error(
            request,
            403,
            "Formulaire expiré",
            "Ce formulaire a expiré. Rechargez la page et recommencez, s’il vous plaît.",
        )

    @app.exception_handler(AlreadyDone)
    async def already_done(request: Request, exc: AlreadyDone) -> Response:
        return RedirectResponse(exc.location, status_code=303)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if exc.status_code == 404:
            return page_error(request, 404, "Page non trouvée", "La page que vous cherchez est introuvable.")
        if exc.status_code == 405:
            return page_error(request, 405, "Page non trouvée", "Cette adresse ne s’utilise pas ainsi.")
        return page_error(request, exc.status_code, "Erreur", "Votre demande n’a pas pu aboutir.")

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        return page_error(request, 400, "Adresse incorrecte", "L’adresse de cette page est incomplète ou incorrecte.")

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:
        log.exception("page failed: %s %s", request.method, request.url.path)
        response = page_error(
            request, 500, "Erreur inattendue", "Une erreur inattendue est survenue. Veuillez réessayer.", True
        )
        # Starlette answers a crash outside every middleware, so this page gets its headers here.
        return personal(response)

    @app.middleware("http")
    async def web_session(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        started = time.perf_counter()
        if request.url.path in NO_SESSION:
            # No session for a healthcheck or a relying party's discovery (which says how long to cache it).
            response = await call_next(request)
            response.headers.setdefault("Cache-Control", "no-store")
            add_security_headers(response, secure)
            return response
        given = request.headers.get(CORRELATION_HEADER, "")
        request.state.correlation_id = (
            given if 0 < len(given) <= 64 and given.replace("-", "").isalnum() else str(uuid.uuid4())
        )
        if request.url.path.startswith("/static/"):
            response = await call_next(request)
            response.headers["Cache-Control"] = "public, max-age=86400"
            add_security_headers(response, secure)
            return response
        if (
            request.method in UNSAFE_METHODS
            and request.url.path not in FROM_OTHER_SITES
            and not origin_allowed(request, settings.origin())
        ):
            return personal(
                page_error(request, 403, "Requête refusée", "Cette requête ne vient pas du site EFP Connect.")
            )
        sessions: SessionStore = request.app.state.sessions
        token = request.cookies.get(cookie_name)
        now = datetime.now(UTC)
        session = await sessions.load(token) if token else None
        request.state.web_session = session or open_session(now, absolute)
        request.state.waited = waited = GatewayTime()
        response = await call_next(request)
        final = request.state.web_session
        if final.token != token and token:
            await sessions.delete(token)
        if final.changed or final.is_new or final.needs_touch(now, idle):
            await sessions.save(final)
        if final.token != token:
            response.set_cookie(cookie_name, final.token, httponly=True, secure=secure, samesite="lax", path="/")
        response.headers["Cache-Control"] = "no-store"
        response.headers[CORRELATION_HEADER] = request.state.correlation_id
        response.headers["Server-Timing"] = server_timing(time.perf_counter() - started, waited)
        add_security_headers(response, secure, sign_in_return_origin(final))
        return response

    app.add_middleware(GZipMiddleware, minimum_size=800)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/health/live", include_in_schema=False)
    async def live() -> dict[str, str]:
        """The process answers (container healthchecks); pages that need the gateway say so themselves."""
        return {"status": "ok"}

    for router in pages.routers():
        app.include_router(router)
    return app


def server_timing(total: float, waited: GatewayTime) -> str:
    """The page's time split into the gateway's and the web service's own (its session store,
    templates and everything else), in milliseconds."""
    own = max(total - waited.seconds, 0.0)
    return f'web;dur={own * 1000:.1f}, gateway;dur={waited.seconds * 1000:.1f};desc="{waited.calls} calls"'


def run() -> None:
    settings = WebSettings()
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
    )
