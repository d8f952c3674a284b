"""Login, session cookie, CSRF, profile, logout, brute-force limits and agents, through the gateway."""

import httpx
import pytest

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import AGENT_EMAIL, AGENT_PASSWORD, RunningSystem
from tests.e2e.journeys import PASSWORD, create_account, log_in, unique_email

pytestmark = pytest.mark.e2e


@pytest.fixture
def account(client: httpx.Client, mail_server: MailRecorder) -> str:
    email = unique_email()
    create_account(client, mail_server, email)
    return email


def test_login_sets_a_protected_cookie_and_me_shows_the_account(client: httpx.Client, account: str) -> None:
    response = log_in(client, account)

    assert response.status_code == 200
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("efp_session=")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    me = client.get("/api/v1/me").json()
    assert me["email"] == account
    assert me["kind"] == "user"
    assert me["csrf_token"] == response.json()["csrf_token"]
    assert me["manager_of"] == []
    assert me["pending_access_requests_to_review"] == 0


def test_unknown_address_and_wrong_password_get_the_same_answer(client: httpx.Client, account: str) -> None:
    wrong = log_in(client, account, "Pas-le-bon-mot-de-passe-1")
    unknown = log_in(client, unique_email())

    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.json()["code"] == "invalid_credentials"


def test_state_changes_need_the_csrf_token(client: httpx.Client, account: str) -> None:
    csrf = log_in(client, account).json()["csrf_token"]

    refused = client.patch("/api/v1/me", json={"phone": "06 12 34 56 78"})
    accepted = client.patch("/api/v1/me", json={"phone": "06 12 34 56 78"}, headers={"X-CSRF-Token": csrf})

    assert refused.status_code == 403
    assert refused.json()["code"] == "csrf_failed"
    assert accepted.status_code == 200
    assert accepted.json()["phone"] == "+33612345678"


def test_profile_changes_are_validated_in_french(client: httpx.Client, account: str) -> None:
    csrf = log_in(client, account).json()["csrf_token"]

    response = client.patch(
        "/api/v1/me", json={"phone": "12345", "first_name": "Ève-Marie"}, headers={"X-CSRF-Token": csrf}
    )

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "phone", "message": "Le numéro de téléphone doit être un numéro français (ex. 06 12 34 56 78)."}
    ]
    assert client.get("/api/v1/me").json()["first_name"] == "Anaïs"


def test_logout_revokes_the_session_on_the_server(system: RunningSystem, account: str) -> None:
    with system.client() as browser:
        csrf = log_in(browser, account).json()["csrf_token"]
        stolen_cookie = browser.cookies["efp_session"]

        assert browser.delete("/api/v1/session", headers={"X-CSRF-Token": csrf}).status_code == 204

    with system.client() as attacker:
        attacker.cookies.set("efp_session", stolen_cookie)
        response = attacker.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_login_regenerates_the_session_id(system: RunningSystem, account: str) -> None:
    with system.client() as browser:
        log_in(browser, account)
        first = browser.cookies["efp_session"]
        log_in(browser, account)
        second = browser.cookies["efp_session"]
    with system.client() as other:
        other.cookies.set("efp_session", first)
        assert other.get("/api/v1/me").status_code == 401
    assert first != second


def test_repeated_failures_are_slowed_down_with_retry_after(client: httpx.Client, account: str) -> None:
    for _ in range(5):
        assert log_in(client, account, "Mauvais-mot-de-passe-9").status_code == 401

    blocked = log_in(client, account, PASSWORD)

    assert blocked.status_code == 429
    assert blocked.json()["code"] == "rate_limited"
    assert 1 <= int(blocked.headers["Retry-After"]) <= 61


def test_an_agent_logs_in_through_the_same_endpoint(client: httpx.Client) -> None:
    response = log_in(client, AGENT_EMAIL, AGENT_PASSWORD)

    assert response.status_code == 200, response.text
    assert response.json()["account"]["kind"] == "agent"
    assert response.json()["account"]["agent_service"] == "DGEFP"


def test_me_without_a_session_is_unauthenticated(system: RunningSystem) -> None:
    with system.client() as anonymous:
        response = anonymous.get("/api/v1/me")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
