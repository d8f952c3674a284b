"""Issue 14, low items on sessions: a session ends 12 hours after its login however it is used (ASVS
4.0.3 V3.3.2), and a person can close every other session of their account (« Se déconnecter de mes
autres sessions »: a browser left logged in elsewhere, a stolen cookie), through the API and the pages.
"""

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import RunningSystem
from tests.e2e.journeys import PASSWORD, create_account, log_in, unique_email
from tests.pages import browsing

pytestmark = [pytest.mark.e2e, pytest.mark.security]


@pytest.fixture
def email(system: RunningSystem, mail_server: MailRecorder) -> str:
    address = unique_email()
    with system.client() as client:
        create_account(client, mail_server, address)
    return address


def logged_in(client: httpx.Client, email: str) -> str:
    """Logs `client` in; its CSRF token."""
    opened = log_in(client, email)
    assert opened.status_code == 200, opened.text
    return str(opened.json()["csrf_token"])


def test_a_session_ends_twelve_hours_after_its_login(system: RunningSystem, email: str) -> None:
    before = datetime.now(UTC)
    with system.client() as client:
        expires_at = datetime.fromisoformat(log_in(client, email).json()["expires_at"])

    assert before + timedelta(hours=12) <= expires_at <= datetime.now(UTC) + timedelta(hours=12, seconds=5)


def test_closing_the_other_sessions_keeps_this_one(system: RunningSystem, email: str) -> None:
    with system.client() as here, system.client() as elsewhere:
        csrf = logged_in(here, email)
        logged_in(elsewhere, email)
        assert elsewhere.get("/api/v1/me").status_code == 200

        closed = here.delete("/api/v1/session/others", headers={"X-CSRF-Token": csrf})

        assert closed.status_code == 200, closed.text
        assert closed.json() == {"closed": 1}
        assert elsewhere.get("/api/v1/me").status_code == 401
        assert here.get("/api/v1/me").status_code == 200


def test_closing_the_other_sessions_needs_the_csrf_token(system: RunningSystem, email: str) -> None:
    with system.client() as here, system.client() as elsewhere:
        logged_in(here, email)
        logged_in(elsewhere, email)
        refused = here.delete("/api/v1/session/others")

        assert refused.status_code == 403
        assert elsewhere.get("/api/v1/me").status_code == 200


def test_the_account_page_closes_the_other_sessions(system: RunningSystem, email: str) -> None:
    with browsing.web_browser(system) as browser, system.client() as elsewhere:
        logged_in(elsewhere, email)
        assert browsing.log_in(browser, email, PASSWORD).status_code == 303
        page = browser.get("/mon-compte")
        assert "Se déconnecter de mes autres sessions" in page.text

        done = browser.post("/mon-compte/autres-sessions", data={"csrf_token": browsing.form_token(page.text)})

        assert done.status_code == 303
        assert "Vos autres sessions ont été fermées" in browser.get(done.headers["location"]).text
        assert elsewhere.get("/api/v1/me").status_code == 401
