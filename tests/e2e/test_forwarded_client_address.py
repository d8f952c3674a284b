"""The person's address behind the web frontend: X-Forwarded-For believed from a trusted peer (here 127.0.0.1)."""

import json

import httpx
import pytest

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import CAPTCHA_TEST_ANSWER, RunningSystem
from tests.e2e.bus_tap import drain, tapped
from tests.e2e.journeys import PASSWORD, create_account, new_captcha, unique_email

pytestmark = pytest.mark.e2e
PERSON = "203.0.113.7"  # TEST-NET-3: the browser the web frontend serves


async def test_a_login_through_the_local_frontend_records_the_person_s_address(
    system: RunningSystem, client: httpx.Client, mail_server: MailRecorder
) -> None:
    email = unique_email()
    account_id = create_account(client, mail_server, email)
    async with tapped(system.infrastructure.amqp_url, routing_key="identity.session.started.v1") as tap:
        opened = client.post(
            "/api/v1/session",
            json={
                "email": email,
                "password": PASSWORD,
                "captcha_id": new_captcha(client),
                "captcha_answer": CAPTCHA_TEST_ANSWER,
            },
            headers={"X-Forwarded-For": PERSON},
        )
        assert opened.status_code == 200, opened.text
        caught = await drain(tap, lambda caught: any(account_id.encode() in m.body for m in caught), within=15)

    [started] = [json.loads(m.body) for m in caught if account_id.encode() in m.body]
    assert started["client_ip"] == PERSON
