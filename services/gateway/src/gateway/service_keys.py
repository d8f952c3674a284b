"""Other ministry systems call with a service API key, `Authorization: Bearer <key>`, from EFP_SERVICE_API_KEYS.

Keys are compared as SHA-256 digests with `hmac.compare_digest`, against every configured key
without stopping at a match: neither the time taken nor an early exit tells which key, or how much
of one, was right, nor how long the keys are.
"""

import hashlib
import hmac
from collections.abc import Callable, Coroutine
from functools import lru_cache
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from contracts.errors import ErrorCode
from gateway import auth, problems

DETAIL = "Clé d'API de service absente ou invalide."


class ServiceKeyRefused(auth.Unauthenticated):
    """No service key, or not one of ours (a 401 `unauthenticated` even where `install` was not called)."""


@lru_cache(maxsize=4)
def _digests(configured: str) -> tuple[bytes, ...]:
    """The accepted keys of a comma-separated setting, hashed once per distinct setting value."""
    keys = (key.strip() for key in configured.split(","))
    return tuple(hashlib.sha256(key.encode()).digest() for key in keys if key)


def accepts(configured: str, authorization: str | None) -> bool:
    """Whether an `Authorization` header carries one of the configured keys."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return False
    given = hashlib.sha256(token.encode()).digest()
    matched = False
    for digest in _digests(configured):
        matched |= hmac.compare_digest(given, digest)
    return matched


def require_service_key(request: Request) -> None:
    """A valid service key, or 401. With no key configured, every call is refused."""
    configured = request.app.state.settings.service_api_keys.get_secret_value()
    if not accepts(configured, request.headers.get("authorization")):
        raise ServiceKeyRefused()


class ServiceKeyRoute(APIRoute):
    """The route class of a router for other systems: each of its routes checks the key before anything else
    (its parameters included, so a caller without one learns nothing), and none can forget to. A route class
    rather than a router dependency: FastAPI solves a dependency on every call, which cost the authorization
    check, the path other systems call most, about a tenth of the gateway's CPU (issue 16)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def checked(request: Request) -> Response:
            require_service_key(request)
            return await handler(request)

        return checked


def install(app: FastAPI) -> None:
    """The 401 for machines: its own detail, and the scheme to use (RFC 6750)."""

    @app.exception_handler(ServiceKeyRefused)
    async def on_refused(request: Request, exc: ServiceKeyRefused) -> JSONResponse:
        response = problems.problem_response(ErrorCode.UNAUTHENTICATED, DETAIL)
        response.headers["WWW-Authenticate"] = "Bearer"
        return response
