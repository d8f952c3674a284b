"""Browser sessions at the gateway: the cookie, the CSRF check, the caller's identity.

The session lives in the identity service; the gateway holds only the cookie's token and asks
identity who is behind it, keeping the answer a few seconds (`session_cache`). State-changing calls
made with the cookie must repeat the session's CSRF token in `X-CSRF-Token` (double submit against a
secret the page got from the login or `GET /api/v1/me`, which another site cannot read).

When cookies are Secure (behind HTTPS) the cookie is `__Host-efp_session` (ASVS 4.0.3 V3.4.4): the
browser accepts that name only from this host, Secure, with Path=/ and no Domain, so a sibling
subdomain cannot plant one (cookie tossing); and only that name is read. Over plain HTTP (local runs,
the test system) it stays `efp_session`.
"""

import hmac
from typing import Annotated

from fastapi import Depends, Request, Response

from contracts.accounts import AuthenticateSessionV1, SessionV1
from contracts.errors import ErrorCode
from contracts.habilitation import ActorV1
from efp_runtime.rpc import RpcRefused
from gateway.rpc import IDENTITY, Rpc
from gateway.session_cache import SessionCache

COOKIE = "efp_session"
HOST_COOKIE = "__Host-" + COOKIE
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class Unauthenticated(Exception):
    """No session, or one that ended."""


class SecondFactorPending(Exception):
    """A session opened by the password of an account with a second factor, waiting for its second step
    (`POST /api/v1/session/second-factor`): it opens nothing else yet."""


class CsrfFailed(Exception):
    """A state-changing call without the session's CSRF token."""


class Forbidden(Exception):
    """Authenticated, but this account may not do this."""


def session_cookie_name(secure: bool) -> str:
    """The session cookie's name: `__Host-efp_session` when cookies are Secure, else `efp_session`."""
    return HOST_COOKIE if secure else COOKIE


def session_token(request: Request) -> str | None:
    """The session cookie under this mode's name only: over HTTPS a plain `efp_session` is ignored (it may
    have been set by a sibling subdomain)."""
    return request.cookies.get(session_cookie_name(request.app.state.settings.secure_cookies()))


async def current_session(request: Request, rpc: Rpc) -> SessionV1:
    token = session_token(request)
    if not token:
        raise Unauthenticated()
    cache: SessionCache | None = getattr(request.app.state, "sessions", None)
    session = cache.get(token) if cache is not None else None
    if session is None:
        session = await _ask_identity(rpc, token, cache)
    if request.method not in SAFE_METHODS:
        given = request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(given.encode(), session.csrf_token.encode()):
            raise CsrfFailed()
    return session


async def _ask_identity(rpc: Rpc, token: str, cache: SessionCache | None) -> SessionV1:
    asked = cache.asked() if cache is not None else 0.0
    try:
        session = await rpc.call(IDENTITY, AuthenticateSessionV1(session_token=token))
    except RpcRefused as refused:
        if refused.error.code == ErrorCode.UNAUTHENTICATED:
            raise Unauthenticated() from refused
        if refused.error.code == ErrorCode.SECOND_FACTOR_PENDING:
            raise SecondFactorPending() from refused
        raise
    if cache is not None:
        cache.keep(token, session, asked)
    return session


async def current_agent(session: Annotated[SessionV1, Depends(current_session)]) -> SessionV1:
    """For `/api/v1/agent/...`: ministry agents only."""
    if session.kind != "agent":
        raise Forbidden()
    return session


Session = Annotated[SessionV1, Depends(current_session)]
Agent = Annotated[SessionV1, Depends(current_agent)]


def client_ip(request: Request) -> str | None:
    """The person's address: the peer, or the address a trusted proxy forwarded
    (GATEWAY_FORWARDED_ALLOW_IPS). Identity keys its per-address limits and budgets on it."""
    return request.client.host if request.client else None


def set_session_cookie(response: Response, token: str, secure: bool) -> None:
    # No Max-Age: the server decides when a session ends (12 h absolute, 30 min idle). No Domain and
    # Path=/: what the `__Host-` prefix requires (with Secure) of the name it has in secure mode.
    name = session_cookie_name(secure)
    response.set_cookie(name, token, httponly=True, samesite="lax", secure=secure, path="/")


def clear_session_cookie(response: Response, secure: bool) -> None:
    name = session_cookie_name(secure)
    response.delete_cookie(name, httponly=True, samesite="lax", secure=secure, path="/")


def actor_of(session: SessionV1) -> ActorV1:
    """The caller as the habilitation service knows it: the gateway vouches for the session, and for what
    it proved (the habilitation service asks managers and agents for a second factor)."""
    return ActorV1(
        account_id=session.account_id,
        kind=session.kind,
        siren=session.siren,
        region=session.region,
        amr=list(session.amr),
        second_factor_at=session.second_factor_at,
        second_factor_enrolled=session.second_factor_enrolled,
    )
