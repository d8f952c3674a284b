"""The web service's only way to the platform: the gateway's HTTP API, on behalf of one browser.

The gateway session (its cookie) and its CSRF token stay in the web session; each call carries
them, the person's address (X-Forwarded-For, which the gateway trusts only from its configured
proxies, this service among them) and the correlation id. Answers come back as `Reply`, problems
as `Problem` with the field messages keyed by field: the pages show them next to their field.
"""

import time
from dataclasses import dataclass, field
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any

import httpx

from web.sessions import GATEWAY_COOKIE, WebSession

# The gateway names its session cookie by its own mode, which this service does not know: `__Host-efp_session`
# behind HTTPS (so a sibling subdomain cannot plant it), `efp_session` over plain HTTP. Either is read.
HOST_GATEWAY_COOKIE = "__Host-" + GATEWAY_COOKIE
GATEWAY_COOKIES = (HOST_GATEWAY_COOKIE, GATEWAY_COOKIE)


class GatewayUnavailable(Exception):
    """No answer from the gateway, or it said a service is away (502, 503, 504)."""

    def __init__(self, retry_after: str | None = None) -> None:
        super().__init__("gateway unavailable")
        self.retry_after = retry_after


class LoginRequired(Exception):
    """The gateway session ended (or there never was one): the person logs in, then comes back."""


@dataclass(frozen=True)
class Problem:
    status: int
    code: str
    detail: str
    errors: dict[str, str] = field(default_factory=dict)
    retry_after: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, response: httpx.Response) -> "Problem":
        try:
            body = response.json()
        except ValueError:
            body = {}
        if not isinstance(body, dict):
            body = {}
        errors: dict[str, str] = {}
        for error in body.get("errors") or []:
            name = str(error.get("field", "")).split(".")[-1]
            errors.setdefault(name, str(error.get("message", "")))
        retry = response.headers.get("retry-after", "")
        known = {"type", "title", "status", "detail", "code", "errors"}
        return cls(
            status=response.status_code,
            code=str(body.get("code") or "error"),
            detail=str(body.get("detail") or "Votre demande n’a pas pu aboutir."),
            errors=errors,
            retry_after=int(retry) if retry.isdigit() else None,
            extra={k: v for k, v in body.items() if k not in known},
        )


class GatewayError(Exception):
    """The gateway refused the call (4xx): the page shows why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.code)
        self.problem = problem


# The refusals that ask for the person's second factor, answered the same way on every page.
SECOND_FACTOR_CODES = frozenset({"step_up_required", "second_factor_required"})


class SecondFactorNeeded(Exception):
    """`step_up_required` (prove it again) or `second_factor_required` (enrol one first). Not a
    GatewayError, so the pages' own `except GatewayError` leave it to the one handler in main.py."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.code)
        self.problem = problem

    @property
    def step_up(self) -> bool:
        return self.problem.code == "step_up_required"


@dataclass
class GatewayTime:
    """Time one page request spent waiting for the gateway: the rest is the web service's own
    (sent as Server-Timing; the benchmark reads it)."""

    seconds: float = 0.0
    calls: int = 0


@dataclass(frozen=True)
class Caller:
    """Who the call is for: the browser's web session and the address it came from."""

    session: WebSession
    client_ip: str | None
    correlation_id: str
    waited: GatewayTime | None = None


def http_client(base_url: str, timeout: float) -> httpx.AsyncClient:
    """One client for every browser: its cookie jar refuses every cookie, so no session leaks
    from one person's call to another's (each call names its own gateway cookie)."""
    jar = CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)
    # The jar itself: wrapped in httpx.Cookies it would be copied into one with the default policy,
    # which kept the last login's gateway cookie and sent it on everyone's calls.
    return httpx.AsyncClient(base_url=base_url, timeout=timeout, cookies=jar, limits=limits)


def gateway_cookie_of(response: httpx.Response) -> tuple[str, str] | None:
    """The gateway session the login answer opened (its Set-Cookie) as (name, value), kept in the web
    session and sent back under that name."""
    for name in GATEWAY_COOKIES:
        value = response.cookies.get(name)
        if value is not None:
            return name, value
    return None


class Gateway:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def call(
        self,
        caller: Caller,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, str] | None = None,
        cookies: dict[str, str] | None = None,
    ) -> httpx.Response:
        """The gateway's answer when it is a success (2xx); GatewayError, LoginRequired or
        GatewayUnavailable otherwise. `cookies`: the browser's own gateway cookies (the device cookie)."""
        session = caller.session
        headers = {"X-Correlation-ID": caller.correlation_id, "Accept": "application/json, */*"}
        if caller.client_ip:
            headers["X-Forwarded-For"] = caller.client_ip
        sent = dict(cookies or {})
        if session.gateway_cookie:
            sent[session.gateway_cookie_name] = session.gateway_cookie
            if method not in ("GET", "HEAD") and session.gateway_csrf:
                headers["X-CSRF-Token"] = session.gateway_csrf
        if sent:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in sent.items())
        started = time.perf_counter()
        try:
            response = await self._client.request(method, path, json=json, params=params, headers=headers)
        except httpx.HTTPError as error:
            raise GatewayUnavailable() from error
        finally:
            if caller.waited is not None:
                caller.waited.seconds += time.perf_counter() - started
                caller.waited.calls += 1
        if response.status_code in (502, 503, 504):
            raise GatewayUnavailable(response.headers.get("retry-after"))
        if response.status_code == 401 and session.gateway_cookie and path != "/api/v1/session":
            session.gateway_cookie = session.gateway_csrf = None
            session.changed = True
            raise LoginRequired()
        if response.status_code == 401 and not session.gateway_cookie and method == "GET":
            raise LoginRequired()
        if response.status_code >= 400:
            problem = Problem.of(response)
            if problem.status == 403 and problem.code in SECOND_FACTOR_CODES:
                raise SecondFactorNeeded(problem)
            raise GatewayError(problem)
        return response

    async def json(self, caller: Caller, method: str, path: str, **kwargs: Any) -> Any:
        response = await self.call(caller, method, path, **kwargs)
        return response.json() if response.content else None


def items_of(body: Any) -> list[Any]:
    """A list answer's items: `{items, …}` (the paged shape) or a bare list."""
    if isinstance(body, dict):
        for key in ("items", "access_requests", "invitations"):
            if isinstance(body.get(key), list):
                return list(body[key])
        return []
    return list(body or [])
