"""No code, token, password or hash on the public exchange nor in any log, through every journey that handles one.

Every call of the journeys carries one correlation id, the canary: it travels where the secrets
would (event headers, log lines), so finding it proves the search looks in the right places.
"""

import asyncio
import json
import re
import uuid
from base64 import b64encode
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from aio_pika.abc import AbstractIncomingMessage
from pymongo import MongoClient

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import AGENT_EMAIL, AGENT_PASSWORD, CAPTCHA_TEST_ANSWER, SERVICE_API_KEY, RunningSystem
from tests.e2e.bus_tap import drain, tapped, types
from tests.e2e.journeys import code_in, create_account, log_in, new_captcha

pytestmark = pytest.mark.e2e
SIREN, SIRET = "000018572", "00001857200016"  # a SIRENE sample organisation no other test uses
CANARY = f"canary{uuid.uuid4().hex}"
OTHER_SERVICE_KEY = "other-system-key"  # the session's other accepted key (devstack.pytest_plugin)
LAST_EVENTS = {"identity.account.password_changed.v1", "habilitation.invitation.accepted.v1"}


def variants(secret: str) -> set[str]:
    """The ways a value may be written in a log line or a message: as is, JSON-escaped, URL-encoded."""
    return {secret, json.dumps(secret)[1:-1], quote(secret, safe=""), quote(secret)}


def leaks(secrets: dict[str, str], places: dict[str, str]) -> list[tuple[str, str]]:
    return [
        (name, where)
        for name, secret in secrets.items()
        for where, text in places.items()
        if any(_appears(form, text) for form in variants(secret))
    ]


def _appears(form: str, text: str) -> bool:
    # A 6-digit code is short enough to turn up inside some long id or number of megabytes of logs: it counts
    # as written only on its own, not amid letters or digits.
    if form.isdigit():
        return re.search(rf"(?<![0-9A-Za-z]){form}(?![0-9A-Za-z])", text) is not None
    return form in text


def _excerpt(secret: str, text: str) -> str:
    """Where a leak was found, for the failure's message."""
    at = next((text.find(form) for form in variants(secret) if form in text), -1)
    return text[max(0, at - 300) : at + 100]


def test_the_search_finds_a_secret_however_it_is_written() -> None:
    secret = "Mot-de-Passe-Éprouvé 42"
    places = {
        "as is": f"password={secret}",
        "json": json.dumps({"message": f"login with {secret}"}),
        "url": f"/reset?p={quote(secret, safe='')}",
        "clean": "nothing here",
    }

    assert leaks({"password": secret}, places) == [("password", "as is"), ("password", "json"), ("password", "url")]


def test_a_code_counts_as_written_on_its_own_only() -> None:
    places = {"log": '{"message": "code 123456 sent"}', "url": "/x?code=123456", "in an id": "e-mail 0a1234567b"}

    assert leaks({"code": "123456"}, places) == [("code", "log"), ("code", "url")]


async def test_no_secret_reaches_the_public_exchange_nor_the_logs(
    system: RunningSystem, mail_server: MailRecorder
) -> None:
    async with tapped(system.infrastructure.amqp_url) as tap:
        secrets, markers = await asyncio.to_thread(_journeys, system, mail_server)
        caught = await drain(tap, lambda caught: types(caught) >= LAST_EVENTS, within=30, settle=2)
    secrets |= _stored_hashes(system, markers)
    places = {f"{m.type} message {m.message_id}": _message_text(m) for m in caught}
    places["service logs"] = system.logs()

    # The canary shows the search covers the journeys' events and log lines.
    assert types(caught) >= LAST_EVENTS
    assert {where for _, where in leaks({"canary": CANARY}, places)} >= {"service logs"}
    assert any(CANARY in text for where, text in places.items() if where != "service logs")
    assert len([name for name in secrets if name.startswith("stored ")]) >= 5, secrets.keys()
    found = leaks(secrets, places)
    assert found == [], [_excerpt(secrets[name], places[where]) for name, where in found]


def _browser(system: RunningSystem) -> httpx.Client:
    client = system.client()
    client.headers["X-Correlation-ID"] = CANARY
    return client


def _signed_in(system: RunningSystem, email: str, password: str, secrets: dict[str, str], who: str) -> httpx.Client:
    client = _browser(system)
    opened = log_in(client, email, password)
    assert opened.status_code == 200, opened.text
    client.headers["X-CSRF-Token"] = secrets[f"{who} CSRF token"] = opened.json()["csrf_token"]
    secrets[f"{who} session cookie"] = client.cookies["efp_session"]
    return client


def _journeys(system: RunningSystem, mail_server: MailRecorder) -> tuple[dict[str, str], set[str]]:
    """Sign-ups with their codes, logins, an activation code, an access request, an invitation, a
    password reset, a logout and a service key call; returns the secrets seen, and the addresses and
    ids that find their stored hashes."""
    secrets = {"agent password": AGENT_PASSWORD, "service key": SERVICE_API_KEY, "other service key": OTHER_SERVICE_KEY}
    people = {}
    for who in ("manager", "collaborator", "invitee"):
        email = f"secret.{uuid.uuid4().hex[:10]}@{SIREN}.centre-formation.fr"
        secrets[f"{who} password"] = password = f"Secret-{uuid.uuid4().hex[:12]}-Été"
        with _browser(system) as anonymous:
            account_id = create_account(anonymous, mail_server, email, password=password, siren=SIREN)
        secrets[f"{who} sign-up code"] = code_in(mail_server.mails_to(email)[0].body())
        people[who] = (email, account_id, _signed_in(system, email, password, secrets, who))
    manager, collaborator, invitee = (people[who][2] for who in ("manager", "collaborator", "invitee"))

    agent = _signed_in(system, AGENT_EMAIL, AGENT_PASSWORD, secrets, "agent")
    issued = agent.post("/api/v1/agent/activation-codes", json={"siret": SIRET, "service": "ceres"})
    assert issued.status_code == 201, issued.text
    secrets["activation code"] = issued.json()["code"]
    started = manager.post("/api/v1/activations", json={"siret": SIRET, "activation_code": secrets["activation code"]})
    assert started.status_code == 200, started.text
    activation_id = started.json()["activation_id"]
    assert manager.post(f"/api/v1/activations/{activation_id}/accept-charter", json={"accept": True}).is_success

    asked = collaborator.post("/api/v1/access-requests", json={"service": "ceres", "siret": SIRET})
    assert asked.status_code == 201, asked.text
    accepted = manager.post(
        f"/api/v1/access-requests/{asked.json()['id']}/accept",
        json={"habilitations": [{"role": "centre_agree", "siret": SIRET}]},
    )
    assert accepted.status_code == 200, accepted.text

    invitee_email = people["invitee"][0]
    invited = manager.post(
        f"/api/v1/organisations/{SIREN}/invitations",
        json={"email": invitee_email, "habilitations": [{"role": "centre_agree", "siret": SIRET}]},
    )
    assert invited.status_code == 201, invited.text
    link = next(m.body() for m in reversed(mail_server.wait_for_mail(invitee_email, count=3)) if "token=" in m.body())
    secrets["invitation token"] = token = re.findall(r"token=([A-Za-z0-9._~-]+)", link)[0]
    assert invitee.post("/api/v1/invitations/accept", json={"token": token}).status_code == 200

    collaborator_email = people["collaborator"][0]
    _reset_password(system, mail_server, collaborator_email, secrets)
    assert manager.delete("/api/v1/session").status_code == 204

    with _browser(system) as other_system:
        check = other_system.get(
            "/api/v1/authorizations/check",
            params={
                "account_id": people["collaborator"][1],
                "service": "ceres",
                "role": "centre_agree",
                "siret": SIRET,
            },
            headers={"Authorization": f"Bearer {SERVICE_API_KEY}"},
        )
    assert check.status_code == 200, check.text
    for _, _, client in people.values():
        client.close()
    agent.close()
    return secrets, {SIRET, *(email for email, _, _ in people.values()), *(i for _, i, _ in people.values())}


def _reset_password(system: RunningSystem, mail_server: MailRecorder, email: str, secrets: dict[str, str]) -> None:
    sent = len(mail_server.mails_to(email))
    with _browser(system) as anonymous:
        started = anonymous.post(
            "/api/v1/password-resets",
            json={"email": email, "captcha_id": new_captcha(anonymous), "captcha_answer": CAPTCHA_TEST_ANSWER},
        )
        assert started.status_code == 202, started.text
        reset_id = started.json()["reset_id"]
        mails = mail_server.wait_for_mail(email, count=sent + 1)[sent:]
        secrets["reset code"] = code = code_in(next(m for m in mails if "Réinitialisation" in m.subject).body())
        assert anonymous.post(f"/api/v1/password-resets/{reset_id}/verify", json={"code": code}).status_code == 200
        secrets["new password"] = new = f"Nouveau-{uuid.uuid4().hex[:12]}-Noël"
        changed = anonymous.post(
            f"/api/v1/password-resets/{reset_id}/password", json={"password": new, "password_confirmation": new}
        )
        assert changed.status_code == 200, changed.text


def _stored_hashes(system: RunningSystem, markers: set[str]) -> dict[str, str]:
    """Every hash the identity and habilitation stores keep for the journeys' people and SIRET:
    passwords (argon2), codes, tokens, and sessions (keyed by their token's hash)."""
    infrastructure = system.infrastructure
    found: dict[str, str] = {}
    with MongoClient(infrastructure.mongodb_url) as mongo:
        for service in ("identity", "habilitation"):
            database = mongo[f"{infrastructure.database_prefix}{service}"]
            for collection in database.list_collection_names():
                for document in database[collection].find():
                    if any(marker in json.dumps(document, default=str) for marker in markers):
                        for field, value in _hashes(document, collection):
                            for form in _written(value):
                                found[f"stored {service}.{collection}.{field} {len(found)}"] = form
    return found


def _hashes(document: dict[str, Any], collection: str) -> list[tuple[str, Any]]:
    fields = [(name, value) for name, value in document.items() if "hash" in name and value]
    return fields + ([("_id", document["_id"])] if collection == "sessions" else [])


def _written(value: Any) -> list[str]:
    if isinstance(value, bytes):
        return [value.hex(), b64encode(value).decode()]
    return [str(value)]


def _message_text(message: AbstractIncomingMessage) -> str:
    properties = [message.message_id, message.correlation_id, message.type, message.app_id, message.reply_to]
    headers = {k: v.decode(errors="replace") if isinstance(v, bytes) else v for k, v in message.headers.items()}
    return "\n".join([message.body.decode(errors="replace"), json.dumps(headers, default=str), *map(str, properties)])
