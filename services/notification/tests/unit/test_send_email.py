"""SendEmail: one e-mail per command id, retries, permanent failures and the masked copy kept."""

from datetime import timedelta

import pytest

from contracts.notification import SendEmailV1, SignupVerificationCodeV1
from efp_runtime.message_context import MessageContext
from notification.adapters.jinja_email_renderer import JinjaEmailRenderer
from notification.domain.catalogue import MASK
from notification.domain.email import Email, EmailState
from notification.use_cases.ports import Delivery
from notification.use_cases.send_email import DeliveryDeferred, SendEmail
from services.notification.tests.unit.fakes import T0, FakeClock, FakeEmailRepository, FakeMailSender

CODE = "482913"
COMMAND = SendEmailV1(to="ada@example.fr", content=SignupVerificationCodeV1(code=CODE), account_id="a-1")
CONTEXT = MessageContext(message_id="m-1", correlation_id="corr-1")
TRANSIENT = Delivery(accepted=False, reply="451 4.3.0 try again later")
PERMANENT = Delivery(accepted=False, reply="550 5.1.1 no such user", permanent=True)


class Service:
    def __init__(self, *deliveries: Delivery) -> None:
        self.clock = FakeClock()
        self.emails = FakeEmailRepository()
        self.sender = FakeMailSender(*deliveries)
        self.send = SendEmail(self.emails, JinjaEmailRenderer(), self.sender, self.clock)

    def stored(self) -> Email:
        return self.emails.emails["m-1"]


async def test_a_new_command_sends_the_email_and_records_it_sent() -> None:
    service = Service()

    assert await service.send(COMMAND, CONTEXT) is EmailState.SENT

    [(email_id, to, rendered)] = service.sender.sent
    assert (email_id, to) == ("m-1", "ada@example.fr")
    assert rendered.subject == "Validation de votre compte EFP CONNECT"
    email = service.stored()
    assert email.state is EmailState.SENT
    assert [a.outcome for a in email.attempts] == ["sent"]
    assert [h.trigger for h in email.history] == ["send", "deliver"]


async def test_the_stored_email_keeps_who_and_what_it_is_about() -> None:
    service = Service()

    await service.send(COMMAND, CONTEXT)

    email = service.stored()
    assert (email.id, email.to, email.template) == ("m-1", "ada@example.fr", "signup_verification_code")
    assert (email.correlation_id, email.account_id, email.siren) == ("corr-1", "a-1", None)
    assert email.created_at == T0


async def test_the_sent_text_has_the_code_but_the_stored_text_is_masked() -> None:
    service = Service()

    await service.send(COMMAND, CONTEXT)

    [(_, _, rendered)] = service.sender.sent
    assert CODE in rendered.text
    assert CODE in rendered.html
    assert CODE not in service.stored().masked_text
    assert MASK in service.stored().masked_text


async def test_a_duplicate_command_sends_nothing_the_second_time() -> None:
    service = Service()
    await service.send(COMMAND, CONTEXT)

    assert await service.send(COMMAND, CONTEXT) is EmailState.SENT

    assert len(service.sender.sent) == 1
    assert len(service.stored().attempts) == 1


async def test_a_new_message_id_is_a_new_email() -> None:
    service = Service()
    await service.send(COMMAND, CONTEXT)

    await service.send(COMMAND, MessageContext(message_id="m-2", correlation_id="corr-1"))

    assert len(service.sender.sent) == 2
    assert set(service.emails.emails) == {"m-1", "m-2"}


async def test_a_transient_failure_is_deferred_and_recorded() -> None:
    service = Service(TRANSIENT)

    with pytest.raises(DeliveryDeferred, match="451"):
        await service.send(COMMAND, CONTEXT)

    email = service.stored()
    assert email.state is EmailState.RETRYING
    assert [(a.outcome, a.reply) for a in email.attempts] == [("transient_failure", TRANSIENT.reply)]


async def test_a_redelivered_command_after_a_transient_failure_sends_again() -> None:
    service = Service(TRANSIENT)
    with pytest.raises(DeliveryDeferred):
        await service.send(COMMAND, CONTEXT)
    service.clock.advance(timedelta(minutes=1))

    assert await service.send(COMMAND, CONTEXT) is EmailState.SENT

    assert len(service.sender.sent) == 2
    assert [a.outcome for a in service.stored().attempts] == ["transient_failure", "sent"]
    assert service.stored().attempts[-1].at == T0 + timedelta(minutes=1)


async def test_a_permanent_failure_abandons_without_raising() -> None:
    service = Service(PERMANENT)

    assert await service.send(COMMAND, CONTEXT) is EmailState.ABANDONED

    email = service.stored()
    assert email.state is EmailState.ABANDONED
    assert [(a.outcome, a.reply) for a in email.attempts] == [("permanent_failure", PERMANENT.reply)]


async def test_an_abandoned_email_is_not_sent_again() -> None:
    service = Service(PERMANENT)
    await service.send(COMMAND, CONTEXT)

    assert await service.send(COMMAND, CONTEXT) is EmailState.ABANDONED

    assert len(service.sender.sent) == 1


async def test_an_email_left_sending_by_a_crash_is_sent_again() -> None:
    service = Service()
    crashed = Email(
        id="m-1",
        to="ada@example.fr",
        template="signup_verification_code",
        subject="Validation de votre compte EFP CONNECT",
        masked_text="masked",
        correlation_id="corr-1",
        created_at=T0,
        state=EmailState.SENDING,
        version=4,
    )
    service.emails.emails["m-1"] = crashed

    assert await service.send(COMMAND, CONTEXT) is EmailState.SENT

    assert len(service.sender.sent) == 1
    email = service.stored()
    assert [a.outcome for a in email.attempts] == ["transient_failure", "sent"]
    assert [h.trigger for h in email.history] == ["defer", "send", "deliver"]


class BusyRepository(FakeEmailRepository):
    """Another consumer claims the e-mail between this one's read and its first write."""

    async def update(self, email: Email) -> bool:
        self.emails[email.id].version += 1
        return await super().update(email)


async def test_an_email_claimed_by_another_consumer_is_not_sent_twice() -> None:
    service = Service()
    service.emails = BusyRepository()
    service.send = SendEmail(service.emails, JinjaEmailRenderer(), service.sender, service.clock)

    await service.send(COMMAND, CONTEXT)

    assert service.sender.sent == []
