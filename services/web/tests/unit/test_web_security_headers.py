"""Issue 14's low findings on the web pages: every answer is nosniff, every page (not a static asset)
no-store, HSTS behind HTTPS — the answers the pages' middleware does not write included."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from web.config import WebSettings
from web.main import create_app
from web.sessions import MemorySessionStore

ORIGIN = "http://pages.test"


def pages(**settings: str) -> Iterator[TestClient]:
    app = create_app(WebSettings(WEB_PUBLIC_URL=ORIGIN, **settings), store=MemorySessionStore())  # type: ignore[arg-type]

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("broken")

    # The lifespan runs (the gateway client it opens is never called by these pages).
    with TestClient(app, base_url=ORIGIN, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def web() -> Iterator[TestClient]:
    yield from pages(EFP_ENVIRONMENT="test")


def test_a_page_is_kept_by_no_cache_and_carries_the_security_headers(web: TestClient) -> None:
    page = web.get("/mentions-legales")

    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert "strict-transport-security" not in page.headers  # plain HTTP: browsers would ignore it


def test_a_static_asset_may_be_cached_and_is_not_sniffed(web: TestClient) -> None:
    asset = web.get("/static/web.css")

    assert asset.status_code == 200
    assert asset.headers["cache-control"].startswith("public")
    assert asset.headers["x-content-type-options"] == "nosniff"


def test_answers_without_a_session_carry_the_headers_and_discovery_keeps_its_caching(web: TestClient) -> None:
    live = web.get("/health/live")
    discovery = web.get("/.well-known/openid-configuration")

    assert live.headers["x-content-type-options"] == "nosniff"
    assert live.headers["cache-control"] == "no-store"
    assert discovery.headers["x-content-type-options"] == "nosniff"
    assert discovery.headers["cache-control"].startswith("public")


def test_refusals_and_crashes_carry_the_headers_too(web: TestClient) -> None:
    other_site = web.post("/connexion", data={}, headers={"Origin": "https://evil.test"})
    crashed = web.get("/boom")
    unknown = web.get("/nulle-part")

    for response, status in ((other_site, 403), (crashed, 500), (unknown, 404)):
        assert response.status_code == status
        assert response.headers["x-content-type-options"] == "nosniff", status
        assert response.headers["cache-control"] == "no-store", status
        assert "content-security-policy" in response.headers, status


def test_hsts_on_every_answer_behind_https() -> None:
    for client in pages(EFP_ENVIRONMENT="test", WEB_COOKIE_SECURE="true"):
        for path in ("/mentions-legales", "/static/web.css", "/health/live", "/boom"):
            assert client.get(path).headers["strict-transport-security"].startswith("max-age="), path
