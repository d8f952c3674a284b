"""Other ministry systems call with a service API key, `Authorization: Bearer <key>`, from EFP_SERVICE_API_KEYS.

Keys are compared as SHA-256 digests with `hmac.compare_digest`, against every configured key
without stopping at a match: neither the time taken nor an early exit tells which key, or how much
of one, was right, nor how long the keys are.
"""

import hashlib
import hmac
from functools import lru_cache

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

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


async def require_service_key(request: Request) -> None:
    """Route dependency: a valid service key, or 401. With no key configured, every call is refused."""
    configured = request.app.state.settings.service_api_keys.get_secret_value()
    if not accepts(configured, request.headers.get("authorization")):
        raise ServiceKeyRefused()


def install(app: FastAPI) -> None:
    """The 401 for machines: its own detail, and the scheme to use (RFC 6750)."""

    @app.exception_handler(ServiceKeyRefused)
    async def on_refused(request: Request, exc: ServiceKeyRefused) -> JSONResponse:
        response = problems.problem_response(ErrorCode.UNAUTHENTICATED, DETAIL)
        response.headers["WWW-Authenticate"] = "Bearer"
        return response
