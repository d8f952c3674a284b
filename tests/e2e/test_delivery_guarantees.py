"""Nothing lost, nothing sent twice, no secret on the public bus: with real processes, broker and SMTP."""

import json
import uuid

import aio_pika
import httpx
import pytest
from aio_pika.abc import AbstractIncomingMessage, AbstractQueue

from contracts.topology import (
    COMMANDS_EXCHANGE,
    NOTIFICATION_COMMANDS_QUEUE,
    SEND_EMAIL_ROUTING_KEY,
    dead_letter_queue,
)
from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import RunningSystem
from efp_runtime.polling import eventually, eventually_sync
from tests.e2e.bus_tap import drain, tapped, types
from tests.e2e.journeys import code_in, start_registration, unique_email

pytestmark = pytest.mark.e2e


def test_a_notification_service_killed_before_the_email_still_delivers_exactly_one(
    system: RunningSystem, client: httpx.Client, mail_server: MailRecorder
) -> None:
    system.kill("notification")
    try:
        email = unique_email()
        start_registration(client, email)
        # The command waits in the durable queue while nobody consumes it.
        with pytest.raises(AssertionError):
            mail_server.wait_for_mail(email, timeout=2)
    finally:
        system.start("notification")
        system.wait_ready()

    [mail] = mail_server.wait_for_mail(email)
    assert mail.subject == "Validation de votre compte EFP CONNECT"
    # Give a duplicate every chance to show up before counting.
    client.get("/health/ready")
    with pytest.raises(AssertionError):
        mail_server.wait_for_mail(email, count=2, timeout=3)


def test_an_email_whose_consumer_is_cut_off_mid_conversation_is_recorded_and_sent_once(
    system: RunningSystem, client: httpx.Client, mail_server: MailRecorder
) -> None:
    """A broker restart or a node lost closes notification's channel while it talks to the SMTP server;
    aiormq then cancels the handler. The sending must still reach its `sent` record: cancelled between
    the server's acceptance and the record, the redelivered command would send it a second time."""
    rabbit = system.infrastructure.rabbit
    if rabbit is None:
        pytest.skip("the session's own broker has the console this test uses")
    api = httpx.Client(base_url=rabbit.management_url, auth=("guest", "guest"), timeout=10)
    email = unique_email()
    hold = mail_server.hold(email)
    start_registration(client, email)
    assert hold.arrived.wait(20), "the code e-mail never reached the SMTP server"

    # The command is unacknowledged while its handler waits for the server's answer: cut notification off.
    # The console lists a connection once its statistics are collected (every few seconds): a notification
    # reconnected by an earlier test may not be listed yet. Released whatever happens, so that a failure here
    # leaves no command held for the next test's notification.
    try:
        connections = eventually_sync(
            lambda: [c for c in api.get("api/connections").json() if c["user"] == "notification"],
            bool,
            within=20,
            every=0.5,
            what="notification's own connection to the broker in the console",
        )
        for connection in connections:
            assert api.delete(f"api/connections/{connection['name']}").status_code in (204, 404)
    finally:
        hold.released.set()

    [mail] = mail_server.wait_for_mail(email)
    email_id = mail.message_id.strip("<>").split("@")[0]

    # The broker gives the command back once notification reconnects: it must find the e-mail sent,
    # not send it again once the sending lease ran out.
    def redelivered() -> tuple[int, bool]:
        return len(mail_server.mails_to(email)), f"e-mail {email_id} already sent" in system.logs()

    sent, found_sent = eventually_sync(
        redelivered, lambda seen: seen[0] > 1 or seen[1], within=30, what="the redelivered command's outcome"
    )
    assert (sent, found_sent) == (1, True), f"{sent} e-mails sent"


async def test_the_code_never_travels_on_the_public_exchange_nor_in_logs(
    system: RunningSystem, client: httpx.Client, mail_server: MailRecorder
) -> None:
    async with tapped(system.infrastructure.amqp_url) as tap:
        email = unique_email()
        registration_id = start_registration(client, email)
        code = code_in(mail_server.wait_for_mail(email)[0].body())
        assert client.post(f"/api/v1/registrations/{registration_id}/verify", json={"code": code}).status_code == 200

        seen = await drain(tap, lambda caught: "identity.registration.email_verified.v1" in types(caught))
    mine = [m for m in seen if registration_id.encode() in m.body]
    assert {m.type for m in mine} == {"identity.registration.started.v1", "identity.registration.email_verified.v1"}
    for message in mine:
        assert code.encode() not in message.body
        assert code not in json.dumps(message.headers, default=str)
        assert message.message_id
        assert message.correlation_id
        assert message.app_id == "identity"
    assert code not in system.logs()


async def test_a_poison_command_is_dead_lettered_and_the_service_keeps_sending(
    system: RunningSystem, client: httpx.Client, mail_server: MailRecorder
) -> None:
    poison_id = str(uuid.uuid4())
    connection = await aio_pika.connect(system.infrastructure.amqp_url)
    async with connection:
        channel = await connection.channel()
        commands = await channel.get_exchange(COMMANDS_EXCHANGE)
        await commands.publish(
            aio_pika.Message(
                b'{"to": "not an address", "content": {}}', content_type="application/json", message_id=poison_id
            ),
            routing_key=SEND_EMAIL_ROUTING_KEY,
        )
        dead_letters = await channel.declare_queue(dead_letter_queue(NOTIFICATION_COMMANDS_QUEUE), passive=True)
        dead = await _wait_for_message(dead_letters, poison_id)
    assert dead.headers["x-first-death-reason"] == "rejected"

    email = unique_email()
    start_registration(client, email)
    assert len(mail_server.wait_for_mail(email)) == 1


async def _wait_for_message(queue: AbstractQueue, message_id: str) -> AbstractIncomingMessage:
    """Take the message with this id off the queue, leaving the others (10 s at most)."""

    async def take() -> AbstractIncomingMessage | None:
        message = await queue.get(no_ack=False, fail=False)
        if message is not None and message.message_id == message_id:
            await message.ack()
            return message
        if message is not None:
            await message.nack(requeue=True)
        return None

    found = await eventually(take, lambda message: message is not None, within=10, what=f"message {message_id}")
    assert found is not None
    return found
