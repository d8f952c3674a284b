"""The gateway's session cookie relayed under the name the gateway gave it (issue 14, ASVS 4.0.3 V3.4.4):
`__Host-efp_session` from a gateway behind HTTPS, `efp_session` from one over plain HTTP; the web does not
know which, it reads either and sends back the one it got. Sessions stored before the name was kept are
`efp_session`."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from services.web.tests.unit.test_second_factor_pages import ORIGIN, FakeGateway, token
from web.config import WebSettings
from web.gateway import Gateway, gateway_cookie_of
from web.main import create_app
from web.sessions import MemorySessionStore, MongoSessionStore, WebSession, _document, token_hash

HOST = "__Host-efp_session"
SECURE = "; Path=/; Secure; HttpOnly; SameSite=lax"


def opened(name: str, value: str, pending: bool = False) -> tuple[int, Any, dict[str, str]]:
    body = {"csrf_token": "g-csrf", "second_factor_pending": pending, "amr": ["pwd"]}
    attributes = SECURE if name == HOST else "; Path=/; HttpOnly; SameSite=lax"
    return (200, body, {"set-cookie": f"{name}={value}{attributes}"})


@pytest.fixture
def fake() -> FakeGateway:
    return FakeGateway()


@pytest.fixture
def web(fake: FakeGateway) -> Iterator[TestClient]:
    app = create_app(WebSettings(WEB_PUBLIC_URL=ORIGIN, EFP_ENVIRONMENT="test"), store=MemorySessionStore())  # type: ignore[call-arg]
    with TestClient(app, base_url=ORIGIN, follow_redirects=False) as client:
        # Plain HTTP to the gateway, as on the internal network, even when the gateway's cookies are Secure.
        app.state.gateway = Gateway(
            httpx.AsyncClient(base_url="http://gateway.test", transport=httpx.MockTransport(fake))
        )
        yield client


def log_in(web: TestClient, fake: FakeGateway, answer: tuple[int, Any, dict[str, str]]) -> httpx.Response:
    fake.answers[("POST", "/api/v1/session")] = answer
    page = web.get("/connexion")
    data = {"email": "a@x.fr", "password": "p", "captcha_id": "c1", "captcha_answer": "x"}
    return web.post("/connexion", data={"csrf_token": token(page.text), **data})


def sent_cookies(fake: FakeGateway, method: str, path: str) -> dict[str, str]:
    header = fake.called(method, path)[-1][3]
    return dict(part.strip().split("=", 1) for part in header.split(";") if part.strip())


@pytest.mark.parametrize("name", [HOST, "efp_session"])
def test_the_cookie_is_read_under_either_name_even_secure_over_plain_http(name: str) -> None:
    attributes = SECURE if name == HOST else "; Path=/; HttpOnly"
    request = httpx.Request("POST", "http://gateway.test/api/v1/session")
    response = httpx.Response(200, headers={"set-cookie": f"{name}=abc{attributes}"}, request=request)

    assert gateway_cookie_of(response) == (name, "abc")


def test_no_session_cookie_is_none() -> None:
    request = httpx.Request("POST", "http://gateway.test/api/v1/session")
    response = httpx.Response(200, headers={"set-cookie": "efp_device=d; Path=/api/v1/session"}, request=request)

    assert gateway_cookie_of(response) is None


def test_a_host_prefixed_cookie_goes_back_under_its_own_name(web: TestClient, fake: FakeGateway) -> None:
    assert log_in(web, fake, opened(HOST, "full")).status_code == 303

    web.get("/mon-compte")

    assert sent_cookies(fake, "GET", "/api/v1/me") == {HOST: "full"}  # and no plain efp_session


def test_a_plain_cookie_goes_back_plain(web: TestClient, fake: FakeGateway) -> None:
    log_in(web, fake, opened("efp_session", "full"))

    web.get("/mon-compte")

    assert sent_cookies(fake, "GET", "/api/v1/me") == {"efp_session": "full"}


def test_the_second_step_keeps_the_name_of_the_session_it_replaces(web: TestClient, fake: FakeGateway) -> None:
    answer = log_in(web, fake, opened(HOST, "pending", pending=True))
    page = web.get(answer.headers["location"])
    assert page.status_code == 200
    fake.answers[("POST", "/api/v1/session/second-factor")] = opened(HOST, "full")
    data = {"csrf_token": token(page.text), "suite": "/mon-compte", "method": "totp", "code": "123456"}

    assert web.post("/connexion/double-authentification", data=data).status_code == 303

    assert sent_cookies(fake, "POST", "/api/v1/session/second-factor") == {HOST: "pending"}
    web.get("/mon-compte")
    assert sent_cookies(fake, "GET", "/api/v1/me") == {HOST: "full"}


class FakeCollection:
    def __init__(self) -> None:
        self.documents: dict[str, dict[str, Any]] = {}

    async def find_one(self, query: dict[str, str]) -> dict[str, Any] | None:
        return self.documents.get(query["_id"])


def stored(**document: Any) -> tuple[MongoSessionStore, FakeCollection]:
    collection = FakeCollection()
    store = MongoSessionStore({"web": {"sessions": collection}}, "web", timedelta(minutes=30))  # type: ignore[arg-type]
    now = datetime.now(UTC)
    base = {"csrf_token": "c", "created_at": now, "expires_at": now + timedelta(hours=1), "idle_until": now}
    collection.documents[token_hash("t")] = {**base, "idle_until": now + timedelta(minutes=30), **document}
    return store, collection


async def test_a_session_stored_before_names_were_kept_sends_efp_session() -> None:
    store, _ = stored(gateway_cookie="g", gateway_csrf="x")  # no gateway_cookie_name

    session = await store.load("t")

    assert session is not None
    assert (session.gateway_cookie_name, session.gateway_cookie) == ("efp_session", "g")


async def test_the_stored_name_comes_back() -> None:
    now = datetime.now(UTC)
    kept = WebSession("t", "c", now, now + timedelta(hours=1))
    kept.keep_gateway_cookie((HOST, "g"))
    document = _document(kept, now + timedelta(minutes=30))
    store, _ = stored(**{k: v for k, v in document.items() if k != "_id"})

    session = await store.load("t")

    assert session is not None
    assert (session.gateway_cookie_name, session.gateway_cookie) == (HOST, "g")


def test_forgetting_the_gateway_session_forgets_its_name() -> None:
    now = datetime.now(UTC)
    session = WebSession("t", "c", now, now + timedelta(hours=1))
    session.keep_gateway_cookie((HOST, "g"))
    session.keep_gateway_cookie(None)

    assert (session.gateway_cookie_name, session.gateway_cookie, session.logged_in) == ("efp_session", None, False)
