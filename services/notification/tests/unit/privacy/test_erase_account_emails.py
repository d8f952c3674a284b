"""A deleted account's e-mails lose their body and address: done ones at once, the others once done,
the last e-mail as soon as it is done; a redelivered event changes nothing more."""

from datetime import timedelta

import pytest

from contracts.notification import (
    AccountDeletedEmailV1,
    PasswordResetCodeV1,
    SendEmailV1,
    SignupVerificationCodeV1,
)
from contracts.privacy import AccountDeletedV1
from efp_runtime.message_context import MessageContext
from notification.adapters.jinja_email_renderer import JinjaEmailRenderer
from notification.domain.email import EmailState
from notification.fakes import (
    LEASE,
    POLICY,
    T0,
    FakeClock,
    FakeEmailErasure,
    FakeEmailRepository,
    FakeHeldCommands,
    FakeMailSender,
    FakeRateLimiter,
    held,
)
from notification.use_cases.abandoned.requeue_abandoned_email import CannotRequeue, RequeueAbandonedEmail, RequeueEmail
from notification.use_cases.privacy.erase_account_emails import EraseAccountEmails
from notification.use_cases.sending.ports import Delivery
from notification.use_cases.sending.send_email import Outcome, SendEmail, Then

ADA = "ada@example.fr"
DELETED = AccountDeletedV1(account_id="a-1", email=ADA, deleted_at=T0)
TRANSIENT = Delivery(accepted=False, reply="451 4.3.0 try again later")
PERMANENT = Delivery(accepted=False, reply="550 5.1.1 no such user", permanent=True)


class Service:
    def __init__(self, *deliveries: Delivery) -> None:
        self.clock = FakeClock()
        self.emails = FakeEmailRepository()
        self.sender = FakeMailSender(*deliveries)
        self.limiter = FakeRateLimiter(20)
        self.send = SendEmail(self.emails, JinjaEmailRenderer(), self.sender, self.clock, POLICY, self.limiter, LEASE)
        self.erase = EraseAccountEmails(FakeEmailErasure(self.emails, self.limiter), self.clock)

    async def ask(self, message_id: str, command: SendEmailV1) -> Outcome:
        return await self.send(command, MessageContext(message_id=message_id, correlation_id="c"))


def reset(to: str = ADA, account_id: str | None = "a-1", mentions: tuple[str, ...] = ()) -> SendEmailV1:
    content = PasswordResetCodeV1(code="596922", civility="madame", last_name="Lovelace")
    return SendEmailV1(to=to, content=content, account_id=account_id, mentions=list(mentions))


async def test_the_done_emails_about_mentioning_or_to_the_person_lose_body_and_address() -> None:
    service = Service()
    await service.ask("about", reset())
    await service.ask("mentioning", reset(to="manager@example.fr", account_id="a-9", mentions=("a-1",)))
    # A sign-up code, sent before the account existed: found by its address.
    await service.ask("before", SendEmailV1(to=ADA, content=SignupVerificationCodeV1(code="482913")))
    await service.ask("other", reset(to="grace@example.fr", account_id="a-2"))
    service.clock.advance(timedelta(days=1))

    assert await service.erase(DELETED) == 3

    for email_id in ("about", "mentioning", "before"):
        email = service.emails.emails[email_id]
        assert (email.masked_text, email.to, email.erased_at) == ("", "", T0 + timedelta(days=1))
        # What stays: the subject (it names no one), template, dates, states, ids.
        assert email.subject != ""
        assert email.state is EmailState.SENT
        assert [h.trigger for h in email.history] == ["send", "deliver"]
    assert service.emails.emails["about"].account_id == "a-1"
    other = service.emails.emails["other"]
    assert (other.to, other.erased_at) == ("grace@example.fr", None)
    assert "Lovelace" in other.masked_text


async def test_the_address_goes_from_the_smtp_replies_that_quote_it_and_the_rest_stays() -> None:
    refused = Delivery(accepted=False, reply="550 5.1.1 <Ada@Example.fr>: Recipient address rejected", permanent=True)
    service = Service(TRANSIENT, refused)
    await service.ask("m-1", reset())
    service.clock.advance(timedelta(minutes=1))
    await service.ask("m-1", reset())

    await service.erase(DELETED)

    email = service.emails.emails["m-1"]
    assert [a.reply for a in email.attempts] == [
        "451 4.3.0 try again later",
        "550 5.1.1 <<adresse effacée>>: Recipient address rejected",
    ]
    assert "Ada@Example.fr" not in str(email.history)
    assert "550 5.1.1 <<adresse effacée>>" in str(email.history)


async def test_the_rate_budgets_of_the_address_are_forgotten() -> None:
    service = Service()
    await service.ask("m-1", reset())
    await service.ask("other", reset(to="grace@example.fr", account_id="a-2"))
    assert set(service.limiter.taken) == {"recipient:reset:ada@example.fr", "recipient:reset:grace@example.fr"}

    await service.erase(DELETED)

    assert set(service.limiter.taken) == {"recipient:reset:grace@example.fr"}


async def test_the_address_is_found_whatever_its_case() -> None:
    service = Service()
    await service.ask("before", SendEmailV1(to=ADA, content=SignupVerificationCodeV1(code="482913")))

    assert await service.erase(DELETED.model_copy(update={"email": "Ada@Example.fr", "account_id": "a-7"})) == 1


async def test_an_email_on_its_way_is_erased_once_done() -> None:
    service = Service(TRANSIENT)
    assert (await service.ask("m-1", reset())).then is Then.RETRY

    assert await service.erase(DELETED) == 0
    waiting = service.emails.emails["m-1"]
    assert (waiting.erase_when_done, waiting.to, waiting.erased_at) == (True, ADA, None)

    # The retry still goes out (to the address kept until then), and its final write erases it.
    service.clock.advance(timedelta(minutes=1))
    assert await service.ask("m-1", reset()) == Outcome(EmailState.SENT, Then.ACK)
    assert service.sender.sent[-1][1] == ADA
    email = service.emails.emails["m-1"]
    assert (email.state, email.masked_text, email.to) == (EmailState.SENT, "", "")
    assert email.erased_at == T0 + timedelta(minutes=1)


async def test_an_email_marked_while_being_sent_is_erased_by_the_write_of_its_outcome() -> None:
    service = Service()
    erasure_done: list[int] = []
    send = service.sender.send

    async def deleted_during_smtp(email_id: str, to: str, rendered: object) -> Delivery:
        # The account is deleted while the SMTP server is talking: the e-mail is `sending`.
        erasure_done.append(await service.erase(DELETED))
        return await send(email_id, to, rendered)  # type: ignore[arg-type]

    service.sender.send = deleted_during_smtp  # type: ignore[method-assign]

    assert await service.ask("m-1", reset()) == Outcome(EmailState.SENT, Then.ACK)

    assert erasure_done == [0]
    email = service.emails.emails["m-1"]
    assert (email.state, email.masked_text, email.to, email.erased_at) == (EmailState.SENT, "", "", T0)


async def test_an_email_marked_while_being_sent_and_abandoned_is_not_parked() -> None:
    service = Service(PERMANENT)
    send = service.sender.send

    async def deleted_during_smtp(email_id: str, to: str, rendered: object) -> Delivery:
        await service.erase(DELETED)
        return await send(email_id, to, rendered)  # type: ignore[arg-type]

    service.sender.send = deleted_during_smtp  # type: ignore[method-assign]

    assert await service.ask("m-1", reset()) == Outcome(EmailState.ABANDONED, Then.ACK)
    assert service.emails.emails["m-1"].to == ""


async def test_the_last_email_is_erased_as_soon_as_it_is_sent() -> None:
    service = Service()
    last = SendEmailV1(to=ADA, content=AccountDeletedEmailV1(deleted_at=T0), account_id="a-1")

    assert await service.ask("last", last) == Outcome(EmailState.SENT, Then.ACK)

    # Sent in full…
    assert "Votre compte EFP Connect a été supprimé" in service.sender.sent[0][2].text
    # … and nothing of it kept.
    email = service.emails.emails["last"]
    assert (email.masked_text, email.to, email.erased_at) == ("", "", T0)
    assert email.subject == "Votre compte EFP Connect a été supprimé"


async def test_the_last_email_abandoned_is_erased_and_not_parked_for_a_requeue() -> None:
    service = Service(PERMANENT)
    last = SendEmailV1(to=ADA, content=AccountDeletedEmailV1(deleted_at=T0), account_id="a-1")

    assert await service.ask("last", last) == Outcome(EmailState.ABANDONED, Then.ACK)

    email = service.emails.emails["last"]
    assert (email.masked_text, email.to, email.erased_at) == ("", "", T0)
    # A redelivered command is not parked either.
    assert await service.ask("last", last) == Outcome(EmailState.ABANDONED, Then.ACK)


async def test_an_abandoned_email_erased_is_not_parked_again_by_a_redelivered_command() -> None:
    service = Service(PERMANENT)
    assert (await service.ask("m-1", reset())).then is Then.PARK
    await service.erase(DELETED)

    assert await service.ask("m-1", reset()) == Outcome(EmailState.ABANDONED, Then.ACK)


async def test_a_redelivered_event_changes_nothing_more() -> None:
    service = Service(TRANSIENT)
    await service.ask("done", reset())  # retrying: marked
    service.sender.deliveries.clear()
    await service.ask("sent", reset())
    first = await service.erase(DELETED)
    erased_at = service.emails.emails["sent"].erased_at
    service.clock.advance(timedelta(hours=1))

    assert (first, await service.erase(DELETED)) == (1, 0)
    assert service.emails.emails["sent"].erased_at == erased_at
    assert service.emails.emails["done"].erase_when_done


async def test_nothing_found_is_nothing_erased() -> None:
    service = Service()

    assert await service.erase(AccountDeletedV1(account_id="a-0", email="nobody@example.fr", deleted_at=T0)) == 0


async def test_an_erased_email_is_not_requeued_by_an_operator() -> None:
    service = Service(PERMANENT)
    await service.ask("m-1", reset())
    await service.erase(DELETED)
    requeue = RequeueAbandonedEmail(service.emails, FakeHeldCommands(held("m-1")), service.clock)

    with pytest.raises(CannotRequeue, match="erased"):
        await requeue(RequeueEmail("m-1", "ops"))
