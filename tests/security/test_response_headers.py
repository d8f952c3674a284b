"""Issue 14, low findings: on the running system a personal gateway answer and a web page are kept by no
cache and never content-sniffed, and the gateway's /docs loads Swagger UI from the gateway itself (no CDN,
so it works on a closed network). The session runs with EFP_ENVIRONMENT=test, where /docs is public."""

import re

import httpx
import pytest

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import RunningSystem
from tests.e2e.journeys import create_account, log_in, unique_email
from tests.pages.browsing import web_browser

pytestmark = [pytest.mark.e2e, pytest.mark.security]


def assert_personal(response: httpx.Response) -> None:
    assert response.headers["x-content-type-options"] == "nosniff", response.url
    assert response.headers["cache-control"] == "no-store", response.url


def test_the_profile_is_stored_by_no_cache_refused_or_answered(client: httpx.Client, mail_server: MailRecorder) -> None:
    refused = client.get("/api/v1/me")
    assert refused.status_code == 401
    assert_personal(refused)

    email = unique_email()  # an account of its own: logins are counted per account
    create_account(client, mail_server, email)
    assert log_in(client, email).status_code == 200
    me = client.get("/api/v1/me")

    assert me.status_code == 200
    assert me.json()["email"] == email
    assert_personal(me)


def test_a_web_page_is_stored_by_no_cache_and_its_assets_may_be(system: RunningSystem) -> None:
    with web_browser(system) as web:
        page = web.get("/connexion")
        asset = web.get("/static/web.css")

    assert page.status_code == 200
    assert_personal(page)
    assert asset.status_code == 200
    assert asset.headers["x-content-type-options"] == "nosniff"
    assert asset.headers["cache-control"].startswith("public")


def test_the_docs_page_loads_swagger_ui_from_the_gateway_itself(client: httpx.Client) -> None:
    page = client.get("/docs")

    assert page.status_code == 200
    assert "cdn.jsdelivr" not in page.text
    assert "unpkg" not in page.text
    references = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert any(url.endswith(".js") for url in references)
    assert any(url.endswith(".css") for url in references)
    for url in references:
        assert url.startswith("/"), f"{url} is on another host"
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert asset.headers["x-content-type-options"] == "nosniff"
