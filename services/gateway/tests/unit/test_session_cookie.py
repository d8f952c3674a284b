"""The session cookie's name (issue 14, ASVS 4.0.3 V3.4.4), in memory: `__Host-efp_session` when cookies are
Secure, and only that name read; `efp_session` over plain HTTP, as before."""

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from contracts.accounts import DoneV1, LogInV1, LogOutOtherSessionsV1, LogOutV1, OtherSessionsClosedV1
from gateway import auth, problems
from gateway.config import GatewaySettings
from gateway.fakes import FakeServices
from gateway.routes import me, session
from services.gateway.tests.unit.second_factor_samples import PROVED, opened

LOGIN = {"email": "lea@example.fr", "password": "secret", "captcha_id": "c-1", "captcha_answer": "ABCD"}


def services() -> FakeServices:
    return FakeServices(opened("tok", "csrf-1"), DoneV1(done=True), OtherSessionsClosedV1(closed=2), session=PROVED)


def client(rpc: FakeServices, secure: bool, cookies: dict[str, str] | None = None) -> TestClient:
    app = FastAPI()
    problems.install(app)
    app.state.rpc = rpc
    app.state.settings = GatewaySettings(GATEWAY_COOKIE_SECURE=secure)  # type: ignore[call-arg]
    for module in (session, me):
        app.include_router(module.router)
    # Over https the test client's jar sends Secure cookies back, as a browser does.
    base_url = "https://testserver" if secure else "http://testserver"
    return TestClient(app, base_url=base_url, cookies=cookies, headers={auth.CSRF_HEADER: "csrf-1"})


def set_cookies(response: httpx.Response) -> dict[str, list[str]]:
    """Each Set-Cookie by name: its attributes, lower-cased, without the value."""
    found: dict[str, list[str]] = {}
    for header in response.headers.get_list("set-cookie"):
        first, *attributes = (part.strip() for part in header.split(";"))
        found[first.split("=", 1)[0]] = [attribute.lower() for attribute in attributes]
    return found


@pytest.mark.parametrize(("secure", "name"), [(True, "__Host-efp_session"), (False, "efp_session")])
def test_the_name_is_decided_by_the_mode(secure: bool, name: str) -> None:
    assert auth.session_cookie_name(secure) == name


def test_over_https_the_login_sets_the_host_prefixed_cookie_as_the_prefix_requires() -> None:
    response = client(services(), secure=True).post("/api/v1/session", json=LOGIN)

    assert response.status_code == 200
    cookies = set_cookies(response)
    assert "efp_session" not in cookies
    attributes = cookies["__Host-efp_session"]
    assert "secure" in attributes
    assert "path=/" in attributes
    assert not any(attribute.startswith("domain") for attribute in attributes)
    assert "httponly" in attributes
    assert "samesite=lax" in attributes
    assert response.cookies["__Host-efp_session"] == "tok"


def test_over_https_a_later_call_with_the_host_cookie_is_authenticated() -> None:
    rpc = services()
    gateway = client(rpc, secure=True)
    gateway.post("/api/v1/session", json=LOGIN)

    response = gateway.delete("/api/v1/session/others")

    assert (response.status_code, response.json()) == (200, {"closed": 2})
    last = rpc.requests[-1]
    assert isinstance(last, LogOutOtherSessionsV1)
    assert last.session_token == "tok"


def test_over_https_a_plain_efp_session_is_not_read() -> None:
    # A sibling subdomain can set `efp_session` for the parent domain (cookie tossing); not `__Host-…`.
    rpc = services()
    gateway = client(rpc, secure=True, cookies={"efp_session": "planted"})

    response = gateway.get("/api/v1/me")

    assert (response.status_code, response.json()["code"]) == (401, "unauthenticated")
    assert gateway.delete("/api/v1/session").status_code == 401
    gateway.post("/api/v1/session", json=LOGIN)
    login = next(request for request in rpc.requests if isinstance(request, LogInV1))
    assert login.previous_session_token is None  # the planted one is not the session it replaces


def test_over_https_the_logout_clears_the_host_prefixed_cookie() -> None:
    rpc = services()
    gateway = client(rpc, secure=True, cookies={"__Host-efp_session": "tok", "efp_session": "planted"})

    response = gateway.delete("/api/v1/session")

    assert response.status_code == 204
    last = rpc.requests[-1]
    assert isinstance(last, LogOutV1)
    assert last.session_token == "tok"
    cleared = set_cookies(response)["__Host-efp_session"]
    assert "max-age=0" in cleared
    assert "secure" in cleared
    assert "path=/" in cleared


def test_over_plain_http_the_cookie_stays_efp_session_and_is_read() -> None:
    rpc = services()
    gateway = client(rpc, secure=False)

    login = gateway.post("/api/v1/session", json=LOGIN)

    cookies = set_cookies(login)
    assert list(cookies) == ["efp_session"]
    assert "secure" not in cookies["efp_session"]
    assert {"path=/", "httponly", "samesite=lax"} <= set(cookies["efp_session"])
    assert login.cookies["efp_session"] == "tok"
    assert gateway.delete("/api/v1/session/others").status_code == 200
    last = rpc.requests[-1]
    assert isinstance(last, LogOutOtherSessionsV1)
    assert last.session_token == "tok"
    assert "efp_session" in set_cookies(gateway.delete("/api/v1/session"))


def test_over_plain_http_a_host_prefixed_cookie_is_not_read() -> None:
    gateway = client(services(), secure=False, cookies={"__Host-efp_session": "tok"})

    assert gateway.get("/api/v1/me").status_code == 401
