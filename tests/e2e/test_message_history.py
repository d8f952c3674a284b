"""Message history through the gateway: the e-mails sent about my account, newest first, codes masked."""

import base64
import json
from typing import Any

import httpx
import pytest

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import CAPTCHA_TEST_ANSWER, RunningSystem
from efp_runtime.polling import eventually_sync
from tests.e2e.access import Person, new_manager
from tests.e2e.journeys import code_in, create_account, log_in, new_captcha, unique_email

pytestmark = pytest.mark.e2e
MASK = "••••••"


def my_messages(client: httpx.Client, count: int, **params: Any) -> dict[str, Any]:
    """Poll until the history shows `count` e-mails, all sent (the record follows the SMTP reply)."""

    def history() -> dict[str, Any]:
        response = client.get("/api/v1/me/messages", params=params)
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    def all_sent(body: dict[str, Any]) -> bool:
        return len(body["items"]) == count and all(item["state"] == "sent" for item in body["items"])

    return eventually_sync(history, all_sent, within=20, every=0.1, what=f"{count} sent messages")


@pytest.fixture
def account(client: httpx.Client, mail_server: MailRecorder) -> tuple[str, str]:
    """An account that got « compte créé », then a password reset code; logged in. (e-mail, code)"""
    email = unique_email()
    create_account(client, mail_server, email)
    response = client.post(
        "/api/v1/password-resets",
        json={"email": email, "captcha_id": new_captcha(client), "captcha_answer": CAPTCHA_TEST_ANSWER},
    )
    assert response.status_code == 202, response.text
    code = code_in(mail_server.wait_for_mail(email, count=3)[2].body())
    assert log_in(client, email).status_code == 200
    return email, code


def test_my_messages_are_the_emails_about_my_account_newest_first_with_codes_masked(
    client: httpx.Client, mail_server: MailRecorder, account: tuple[str, str]
) -> None:
    email, code = account

    items = my_messages(client, 2)["items"]

    received = mail_server.mails_to(email)
    # The sign-up code came before the account existed: it is about the registration, not the account.
    assert [item["subject"] for item in items] == [received[2].subject, received[1].subject]
    assert [item["template"] for item in items] == ["password_reset_code", "account_created"]
    reset = items[0]
    assert code not in reset["text"]
    assert MASK in reset["text"]
    assert reset["id"] in received[2].message_id
    assert reset["sent_at"].endswith("Z")
    assert reset["created_at"] <= reset["sent_at"]
    assert set(reset) == {"id", "subject", "template", "state", "created_at", "sent_at", "text"}


def _cursor_after(message_id: str) -> str:
    """A cursor as the gateway makes them (URL-safe base64 of the sort key), for a message not listed."""
    return base64.urlsafe_b64encode(json.dumps([message_id]).encode()).decode().rstrip("=")


def test_the_history_is_paginated_with_limit_and_cursor(client: httpx.Client, account: tuple[str, str]) -> None:
    everything = my_messages(client, 2)["items"]

    first = my_messages(client, 1, limit=1)
    second = client.get("/api/v1/me/messages", params={"limit": 1, "cursor": first["next_cursor"]}).json()

    assert [first["items"][0]["id"], second["items"][0]["id"]] == [item["id"] for item in everything]
    assert first["total"] == second["total"] == 2
    assert first["next_cursor"] is not None
    assert second["next_cursor"] is None


def test_nobody_else_sees_my_messages(
    system: RunningSystem, client: httpx.Client, mail_server: MailRecorder, account: tuple[str, str]
) -> None:
    mine = {item["id"] for item in my_messages(client, 2)["items"]}
    with system.client() as other:
        other_email = unique_email()
        create_account(other, mail_server, other_email)
        assert log_in(other, other_email).status_code == 200

        theirs = my_messages(other, 1)

        assert mine.isdisjoint(item["id"] for item in theirs["items"])
        refused = other.get("/api/v1/me/messages", params={"cursor": _cursor_after(sorted(mine)[0])})
        assert refused.status_code == 422
        assert [e["field"] for e in refused.json()["errors"]] == ["cursor"]


def test_the_history_needs_a_session(system: RunningSystem) -> None:
    with system.client() as anonymous:
        response = anonymous.get("/api/v1/me/messages")

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_out_of_range_paging_is_refused(client: httpx.Client, account: tuple[str, str]) -> None:
    for params in ({"limit": 0}, {"limit": 101}, {"cursor": _cursor_after("x" * 65)}, {"cursor": "x"}):
        response = client.get("/api/v1/me/messages", params=params)

        assert response.status_code == 422, params
        assert response.json()["code"] == "validation_error"


def test_an_organisations_managers_see_the_emails_about_it_and_others_do_not(
    system: RunningSystem, mail_server: MailRecorder
) -> None:
    siren, siret = "000015750", "00001575000029"  # Cabinet Durand-Faure, used by no other e2e test
    manager = new_manager(system, mail_server, siren, "00001575000011")
    collaborator = Person(system, mail_server, siren)
    collaborator.http.post("/api/v1/access-requests", json={"service": "ceres", "siret": siret})
    mail_server.wait_for_mail(manager.email, count=3)

    page = manager.http.get(f"/api/v1/organisations/{siren}/messages").json()
    outsider = collaborator.http.get(f"/api/v1/organisations/{siren}/messages")

    assert "access_request_received" in [item["template"] for item in page["items"]]
    assert outsider.status_code == 404
