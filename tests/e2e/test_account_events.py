"""The account events other systems subscribe to: published, complete, and free of secrets."""

import json

import httpx
import pytest

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import RunningSystem
from tests.e2e.bus_tap import Caught, drain, tapped, types
from tests.e2e.journeys import PASSWORD, code_in, create_account, log_in, unique_email

pytestmark = pytest.mark.e2e


def _about(account_id: str, caught: Caught) -> Caught:
    return [m for m in caught if account_id.encode() in m.body]


async def test_account_life_events_carry_no_password_material(
    system: RunningSystem, client: httpx.Client, mail_server: MailRecorder
) -> None:
    async with tapped(system.infrastructure.amqp_url, routing_key="identity.#") as tap:
        email = unique_email()
        account_id = create_account(client, mail_server, email)
        session = log_in(client, email).json()
        csrf = session["csrf_token"]
        assert client.patch("/api/v1/me", json={"job_title": "Directrice"}, headers={"X-CSRF-Token": csrf}).is_success
        captcha_id = client.post("/api/v1/captchas").json()["captcha_id"]
        reset = client.post(
            "/api/v1/password-resets",
            json={"email": email, "captcha_id": captcha_id, "captcha_answer": "TEST-ANSWER"},
        ).json()["reset_id"]
        code = code_in(mail_server.wait_for_mail(email, count=3)[2].body())
        client.post(f"/api/v1/password-resets/{reset}/verify", json={"code": code})
        new_password = "Autre-Mot-de-Passe-77"
        client.post(
            f"/api/v1/password-resets/{reset}/password",
            json={"password": new_password, "password_confirmation": new_password},
        )

        wanted = {
            "identity.account.created.v1",
            "identity.session.started.v1",
            "identity.account.profile_updated.v1",
            "identity.account.password_changed.v1",
        }
        caught = await drain(tap, lambda caught: wanted <= types(_about(account_id, caught)), within=15)
    events = _about(account_id, caught)
    by_type = {m.type: json.loads(m.body) for m in events}
    assert by_type["identity.account.created.v1"]["email"] == email
    assert by_type["identity.account.created.v1"]["siren"] == "000010116"
    assert by_type["identity.account.profile_updated.v1"]["changed"] == ["job_title"]
    assert "identity.account.password_changed.v1" in by_type
    secrets = [PASSWORD, new_password, code, session["csrf_token"], "argon2", client.cookies["efp_session"]]
    for message in events:
        text = message.body.decode() + json.dumps(message.headers, default=str)
        assert not [s for s in secrets if s in text]
    assert not [s for s in secrets[:3] if s in system.logs()]
