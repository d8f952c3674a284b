"""The pooled SMTP sender against a real SMTP server: reuse, reconnection, and how refusals are classified."""

import asyncio
from collections.abc import Iterator

import pytest

from devstack.mail_recorder import MailRecorder
from devstack.processes import free_port
from notification.adapters.smtp_mail_sender import SmtpMailSender
from notification.use_cases.sending.ports import RenderedEmail

pytestmark = pytest.mark.integration
RENDERED = RenderedEmail("Sujet é", "Texte du message\n", "<p>Texte du message</p>")


@pytest.fixture
def server() -> Iterator[MailRecorder]:
    recorder = MailRecorder(free_port())
    recorder.start()
    yield recorder
    recorder.stop()


def sender_to(server: MailRecorder, **options: float) -> SmtpMailSender:
    return SmtpMailSender("127.0.0.1", server.port, "no-reply@emploi.gouv.fr", "EFP Connect", timeout=5, **options)  # type: ignore[arg-type]


async def test_a_burst_shares_a_few_persistent_connections(server: MailRecorder) -> None:
    sender = sender_to(server, pool_size=3)

    deliveries = await asyncio.gather(*(sender.send(f"m-{i}", f"p{i}@example.fr", RENDERED) for i in range(30)))
    await sender.send("m-last", "last@example.fr", RENDERED)
    await sender.close()

    assert all(d.accepted for d in deliveries)
    assert deliveries[0].reply.startswith("250 ")
    assert len(server.received()) == 31
    assert 1 <= len({mail.peer for mail in server.received()}) <= 3


async def test_the_message_carries_the_headers_and_both_parts(server: MailRecorder) -> None:
    sender = sender_to(server)

    await sender.send("m-1", "ada@example.fr", RENDERED)
    await sender.close()

    [mail] = server.mails_to("ada@example.fr")
    assert mail.message_id == "<m-1@emploi.gouv.fr>"
    assert mail.subject == "Sujet é"
    assert str(mail.message["From"]) == "EFP Connect <no-reply@emploi.gouv.fr>"
    assert (mail.body(), mail.body("html")) == ("Texte du message\n", "<p>Texte du message</p>")


async def test_4xx_is_transient_and_5xx_permanent_and_the_connection_stays_usable(server: MailRecorder) -> None:
    server.script_replies("ada@example.fr", "451 4.3.0 busy", "550 5.1.1 unknown")
    sender = sender_to(server, pool_size=1)

    busy = await sender.send("m-1", "ada@example.fr", RENDERED)
    unknown = await sender.send("m-2", "ada@example.fr", RENDERED)
    accepted = await sender.send("m-3", "ada@example.fr", RENDERED)
    await sender.close()

    assert (busy.accepted, busy.permanent, busy.reply) == (False, False, "451 4.3.0 busy")
    assert (unknown.accepted, unknown.permanent, unknown.reply) == (False, True, "550 5.1.1 unknown")
    assert accepted.accepted
    assert len({mail.peer for mail in server.received()}) == 1


async def test_no_server_is_a_transient_failure() -> None:
    sender = SmtpMailSender("127.0.0.1", free_port(), "no-reply@emploi.gouv.fr", "EFP Connect", timeout=2)

    delivery = await sender.send("m-1", "ada@example.fr", RENDERED)

    assert (delivery.accepted, delivery.permanent) == (False, False)
    assert "SMTPConnectError" in delivery.reply


async def test_a_restarted_server_costs_at_most_one_attempt() -> None:
    before = MailRecorder(free_port())
    before.start()
    sender = sender_to(before, pool_size=1)
    assert (await sender.send("m-1", "ada@example.fr", RENDERED)).accepted
    before.stop()
    after = MailRecorder(before.port)
    after.start()
    try:
        deliveries = [await sender.send(f"m-{i}", "ada@example.fr", RENDERED) for i in range(2, 5)]
        await sender.close()
    finally:
        after.stop()

    assert sum(not d.accepted for d in deliveries) <= 1
    assert deliveries[-1].accepted


async def test_a_connection_older_than_its_max_age_is_replaced(server: MailRecorder) -> None:
    sender = sender_to(server, pool_size=1, max_age_seconds=0.2)
    await sender.send("m-1", "ada@example.fr", RENDERED)
    await sender.send("m-2", "ada@example.fr", RENDERED)
    await asyncio.sleep(0.3)  # lets the connection age past its maximum; not a wait for an outcome

    await sender.send("m-3", "ada@example.fr", RENDERED)
    await sender.close()

    first, second, third = (mail.peer for mail in server.received())
    assert first == second != third
