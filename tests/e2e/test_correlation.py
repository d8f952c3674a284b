"""One correlation id follows a request from HTTP through the bus to the e-mail, in every log line."""

import json
import uuid

import httpx
import pytest

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import CAPTCHA_TEST_ANSWER, RunningSystem
from tests.e2e.journeys import new_captcha, unique_email

pytestmark = pytest.mark.e2e


def _log_entries(system: RunningSystem) -> list[dict[str, object]]:
    entries = []
    for line in system.logs().splitlines():
        if line.startswith("{"):
            entries.append(json.loads(line))
    return entries


def test_the_callers_correlation_id_reaches_the_notification_service(
    system: RunningSystem, client: httpx.Client, mail_server: MailRecorder
) -> None:
    correlation_id = uuid.uuid4().hex
    email = unique_email()
    captcha_id = new_captcha(client)

    response = client.post(
        "/api/v1/registrations",
        json={"email": email, "captcha_id": captcha_id, "captcha_answer": CAPTCHA_TEST_ANSWER},
        headers={"X-Correlation-ID": correlation_id},
    )

    assert response.headers["X-Correlation-ID"] == correlation_id
    mail_server.wait_for_mail(email)
    services = {e["service"] for e in _log_entries(system) if e.get("correlation_id") == correlation_id}
    assert {"identity", "notification"} <= services


def test_a_forged_correlation_id_is_replaced(client: httpx.Client) -> None:
    response = client.get("/health/live", headers={"X-Correlation-ID": 'x"} {"level": "ERROR"'})

    returned = response.headers["X-Correlation-ID"]
    assert returned != 'x"} {"level": "ERROR"'
    assert uuid.UUID(returned)
