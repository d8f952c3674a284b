"""Issue 14, findings 2 and 9: every broker account could send requests and commands to any service
(write on the default exchange reaches every queue by name), and services believed the `actor` in the
body; the gateway's authorization copy kept answering while cut off from the broker.

Every process now stamps the AMQP `user_id` of its connection, which RabbitMQ checks, and every consumer
acts only on the message types its sender may send (efp_runtime.senders). Each attack connects as the
compromised container would, with that process's own broker user, to the session's broker.
"""

import asyncio
import json
import time
import uuid
from typing import Any

import aio_pika
import httpx
import pytest
from aiormq.exceptions import ChannelAccessRefused, ChannelLockedResource, ChannelPreconditionFailed

from contracts.activation import IssueActivationCodeV1
from contracts.habilitation import ActorV1
from contracts.notification import PasswordResetCodeV1, SendEmailV1
from contracts.topology import (
    COMMANDS_EXCHANGE,
    EVENTS_EXCHANGE,
    GATEWAY_AUTHORIZATIONS_QUEUE_PREFIX,
    NOTIFICATION_COMMANDS_QUEUE,
    SEND_EMAIL_ROUTING_KEY,
)
from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import SERVICE_API_KEY, RunningSystem
from efp_runtime.polling import eventually_sync
from efp_runtime.rpc import RpcClient, RpcRefused
from tests.e2e.access import Person, agent, new_manager
from tests.e2e.journeys import start_registration, unique_email

pytestmark = [pytest.mark.e2e, pytest.mark.security]
# La Poste in the SIRENE sample: only searched for by other tests, never managed.
LA_POSTE = ("356000000", "35600000090052", "35600000090066")
QUIET_SECONDS = 3
FEED_CONNECTION = "gateway-authorizations"


@pytest.fixture
def broker_users(system: RunningSystem) -> dict[str, str]:
    if not system.broker_users:
        pytest.skip("the broker given by AMQP_URL would not let this session create users")
    return system.broker_users


async def _ask_as(url: str, service: str, request: Any) -> Any:
    client = RpcClient(url, "attacker", 5)
    await client.connect()
    try:
        return await client.call(service, request)
    finally:
        await client.close()


async def _publish_as(url: str, exchange: str, routing_key: str, message: aio_pika.Message) -> None:
    connection = await aio_pika.connect(url, client_properties={"connection_name": "attacker"})
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        target = channel.default_exchange if exchange == "" else await channel.get_exchange(exchange, ensure=False)
        await target.publish(message, routing_key=routing_key)


def _email(to: str, sender: str | None) -> aio_pika.Message:
    body = SendEmailV1(to=to, content=PasswordResetCodeV1(code="123456")).model_dump_json().encode()
    return aio_pika.Message(
        body, content_type="application/json", message_id=str(uuid.uuid4()), delivery_mode=2, user_id=sender
    )


def _agent_id(system: RunningSystem) -> str:
    http = agent(system)
    try:
        me = http.get("/api/v1/me").json()
    finally:
        http.close()
    return str(me.get("account_id") or me["id"])


def test_notification_cannot_issue_an_activation_code_with_an_agent_actor(
    system: RunningSystem, broker_users: dict[str, str]
) -> None:
    actor = ActorV1(account_id=_agent_id(system), kind="agent")
    request = IssueActivationCodeV1(actor=actor, siret=LA_POSTE[1])
    with pytest.raises(RpcRefused) as refused:
        asyncio.run(_ask_as(broker_users["notification"], "habilitation", request))
    assert refused.value.error.code == "sender_refused"  # answered at once, no code in it


def test_the_gateway_cannot_put_an_email_command_in_the_notification_queue(
    system: RunningSystem, broker_users: dict[str, str], mail_server: MailRecorder
) -> None:
    stamped, unstamped = unique_email(), unique_email()
    # Straight into the queue through the default exchange, with and without a user_id.
    asyncio.run(_publish_as(broker_users["gateway"], "", NOTIFICATION_COMMANDS_QUEUE, _email(stamped, "gateway")))
    asyncio.run(_publish_as(broker_users["gateway"], "", NOTIFICATION_COMMANDS_QUEUE, _email(unstamped, None)))
    # A legitimate e-mail, sent after them, still goes.
    legitimate = unique_email()
    with system.client() as http:
        start_registration(http, legitimate)
    mail_server.wait_for_mail(legitimate)
    time.sleep(QUIET_SECONDS)
    assert mail_server.mails_to(stamped) == []
    assert mail_server.mails_to(unstamped) == []


def test_habilitation_cannot_send_identitys_templates(broker_users: dict[str, str], mail_server: MailRecorder) -> None:
    address = unique_email()
    message = _email(address, "habilitation")
    asyncio.run(_publish_as(broker_users["habilitation"], COMMANDS_EXCHANGE, SEND_EMAIL_ROUTING_KEY, message))
    time.sleep(QUIET_SECONDS)
    assert mail_server.mails_to(address) == []


def test_a_forged_user_id_is_refused_by_the_broker(broker_users: dict[str, str]) -> None:
    forged = _email(unique_email(), "identity")
    with pytest.raises(ChannelPreconditionFailed):
        asyncio.run(_publish_as(broker_users["gateway"], "", NOTIFICATION_COMMANDS_QUEUE, forged))


def test_the_operator_cannot_publish_a_habilitation_event(broker_users: dict[str, str]) -> None:
    event = aio_pika.Message(b"{}", message_id=str(uuid.uuid4()), user_id="operator")
    with pytest.raises(ChannelAccessRefused):
        asyncio.run(
            _publish_as(broker_users["operator"], EVENTS_EXCHANGE, "habilitation.habilitation.granted.v1", event)
        )


def _management(system: RunningSystem) -> tuple[str, tuple[str, str]]:
    rabbit = system.infrastructure.rabbit
    if rabbit is None:
        pytest.skip("the session's own broker has the console this test uses")
    return rabbit.management_url, ("guest", "guest")


def _check(system: RunningSystem, account_id: str, siret: str) -> bool:
    params = {"account_id": account_id, "service": "ceres", "role": "centre_agree", "siret": siret}
    with system.client() as http:
        response = http.get(
            "/api/v1/authorizations/check", params=params, headers={"Authorization": f"Bearer {SERVICE_API_KEY}"}
        )
    assert response.status_code == 200, response.text
    return bool(response.json()["allowed"])


def _feed_queue(url: str, auth: tuple[str, str]) -> str:
    queues = httpx.get(f"{url}api/queues", auth=auth, timeout=10).json()
    [name] = [q["name"] for q in queues if q["name"].startswith(f"{GATEWAY_AUTHORIZATIONS_QUEUE_PREFIX}.")]
    return str(name)


async def _hold(amqp_url: str, queue: str, within: float = 5) -> aio_pika.abc.AbstractConnection:
    """Take the feed's exclusive queue name as soon as the broker freed it: the feed's reconnection then
    fails (RESOURCE_LOCKED) and keeps retrying, so the copy stays cut off as long as the test needs."""
    connection = await aio_pika.connect(amqp_url, client_properties={"connection_name": "queue-holder"})
    deadline = time.monotonic() + within
    while True:
        channel = await connection.channel()
        try:
            await channel.declare_queue(queue, exclusive=True, auto_delete=True)
            return connection
        except ChannelLockedResource:
            if time.monotonic() >= deadline:
                await connection.close()
                raise AssertionError("the feed's queue was not freed") from None
            await asyncio.sleep(0.02)


async def _cut_off(system: RunningSystem, url: str, auth: tuple[str, str]) -> aio_pika.abc.AbstractConnection:
    """Drop the feed's connection and hold its queue; on a loaded machine the feed may reconnect before
    the holder gets the name: then drop the new connection and try again."""
    for _ in range(5):
        queue = _feed_queue(url, auth)
        async with httpx.AsyncClient(auth=auth, timeout=10) as api:
            connections = (await api.get(f"{url}api/connections")).json()
            feeds = [c for c in connections if c["client_properties"].get("connection_name") == FEED_CONNECTION]
            for feed in feeds:
                dropped = await api.delete(f"{url}api/connections/{feed['name']}")
                assert dropped.status_code in (204, 404), dropped.text
        try:
            return await _hold(system.infrastructure.amqp_url, queue, within=2)
        except AssertionError:
            await asyncio.sleep(0.5)
    raise AssertionError("the feed reconnected each time before its queue could be held")


def test_a_habilitation_revoked_while_the_gateway_is_cut_off_is_refused_at_once(
    system: RunningSystem, broker_users: dict[str, str], mail_server: MailRecorder
) -> None:
    url, auth = _management(system)
    siren, manager_siret, siret = LA_POSTE
    manager = new_manager(system, mail_server, siren, manager_siret)
    holder = Person(system, mail_server, siren)
    granted = manager.http.post(
        f"/api/v1/organisations/{siren}/users/{holder.account_id}/habilitations",
        json={"role": "centre_agree", "siret": siret},
    )
    assert granted.status_code == 201, granted.text
    assert eventually_sync(lambda: _check(system, holder.account_id, siret), within=10)
    restored_before = 0

    async def cut_off_then_revoke() -> None:
        nonlocal restored_before
        # The broker drops the feed's connection: its exclusive queue, and the revocation's event, are gone.
        held = await _cut_off(system, url, auth)
        restored_before = system.logs().count(f"event connection restored: {FEED_CONNECTION}")
        try:
            revoked = await asyncio.to_thread(manager.http.delete, f"/api/v1/habilitations/{granted.json()['id']}")
            assert revoked.status_code == 200, revoked.text
            # The old copy still holds the habilitation: the answer came from the habilitation service.
            assert not await asyncio.to_thread(_check, system, holder.account_id, siret)
            assert system.logs().count(f"event connection restored: {FEED_CONNECTION}") == restored_before
        finally:
            await held.close()

    asyncio.run(cut_off_then_revoke())
    # Once the queue is free the feed reconnects, reloads, and answers again, from a copy without it.
    eventually_sync(
        lambda: system.logs().count(f"event connection restored: {FEED_CONNECTION}") > restored_before, within=30
    )
    assert not eventually_sync(lambda: _check(system, holder.account_id, siret), lambda allowed: not allowed)


def test_the_gateway_applies_no_event_put_straight_into_its_queue(
    system: RunningSystem, broker_users: dict[str, str]
) -> None:
    url, auth = _management(system)
    account_id = str(uuid.uuid4())
    habilitation = {"id": str(uuid.uuid4()), "account_id": account_id, "service": "ceres"}
    habilitation |= {"role": "centre_agree", "siret": LA_POSTE[2], "siren": LA_POSTE[0]}
    body = json.dumps({"habilitation": habilitation}).encode()
    message = aio_pika.Message(body, content_type="application/json", message_id=str(uuid.uuid4()), user_id="operator")
    asyncio.run(_publish_as(broker_users["operator"], "", _feed_queue(url, auth), message))
    eventually_sync(lambda: "from broker user 'operator'" in system.logs(), within=10)
    assert not _check(system, account_id, LA_POSTE[2])
