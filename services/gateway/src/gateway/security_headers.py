"""Headers every gateway answer carries (issue 14): nosniff, HSTS behind HTTPS, no-store on personal answers.

Personal answers are everything under /api/v1 (profiles, habilitations, codes, sessions; the simplest
rule that cannot miss one) and OpenID Connect's token and userinfo answers: no browser disk or shared
cache may keep them. A route that chose its own Cache-Control keeps it.
"""

import inspect

from fastapi import FastAPI, Request, Response
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The web pages' value (services/web security.py): two years, this domain and its subdomains.
HSTS = "max-age=63072000; includeSubDomains"
PERSONAL_PATHS = frozenset({"/api/v1", "/oidc/token", "/oidc/userinfo"})


def headers_for(path: str, hsts: bool) -> dict[str, str]:
    """`hsts`: only when served over HTTPS (the settings' secure cookies); browsers ignore it otherwise."""
    headers = {"X-Content-Type-Options": "nosniff"}
    if hsts:
        headers["Strict-Transport-Security"] = HSTS
    if path in PERSONAL_PATHS or path.startswith("/api/v1/"):
        headers["Cache-Control"] = "no-store"
    return headers


def install(app: FastAPI, hsts: bool) -> None:
    """The middleware, and the same headers on the crash answer (500): Starlette's outermost
    ServerErrorMiddleware writes that one outside every middleware. Call after problems.install."""
    app.add_middleware(SecurityHeaders, hsts=hsts)
    crash = app.exception_handlers.get(Exception)
    if crash is None:
        return

    async def crash_with_headers(request: Request, exc: Exception) -> Response:
        answer = crash(request, exc)
        response = await answer if inspect.isawaitable(answer) else answer
        for name, value in headers_for(request.url.path, hsts).items():
            response.headers.setdefault(name, value)
        return response

    app.exception_handlers[Exception] = crash_with_headers


class SecurityHeaders:
    """Pure ASGI middleware: adds the headers to the response start, whoever wrote the response."""

    def __init__(self, app: ASGIApp, hsts: bool) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        wanted = headers_for(scope["path"], self.hsts)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in wanted.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)
