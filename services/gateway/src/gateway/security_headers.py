"""Headers every gateway answer carries (issue 14): nosniff, HSTS behind HTTPS, no-store on personal answers.

Personal answers are everything under /api/v1 (profiles, habilitations, codes, sessions; the simplest
rule that cannot miss one) and OpenID Connect's token and userinfo answers: no browser disk or shared
cache may keep them. A route that chose its own Cache-Control keeps it.
"""

import inspect

from fastapi import FastAPI, Request, Response

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
    """The same headers on the crash answer (500) as the edge middleware (gateway/edge.py) puts on the others:
    Starlette's outermost ServerErrorMiddleware writes that one outside every middleware.
    Call after problems.install."""
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
