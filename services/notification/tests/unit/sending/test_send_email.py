"""SendEmail: one e-mail per command id, retries with backoff, permanent failures, the masked copy kept."""

from datetime import timedelta

import pytest

from contracts.notification import SendEmailV1, SignupVerificationCodeV1
from efp_runtime.message_context import MessageContext
from notification.adapters.jinja_email_renderer import JinjaEmailRenderer
from notification.domain.catalogue import MASK
from notification.domain.email import AbandonReason, Email, EmailState
from notification.fakes import LEASE, POLICY, T0, FakeClock, FakeEmailRepository, FakeMailSender, FakeRateLimiter
from notification.use_cases.sending.ports import Delivery
from notification.use_cases.sending.send_email import Outcome, SendEmail, Then

CODE = "482913"
COMMAND = SendEmailV1(to="ada@example.fr", content=SignupVerificationCodeV1(code=CODE), account_id="a-1")
CONTEXT = MessageContext(message_id="m-1", correlation_id="corr-1")
TRANSIENT = Delivery(accepted=False, reply="451 4.3.0 try again later")
PERMANENT = Delivery(accepted=False, reply="550 5.1.1 no such user", permanent=True)


class Service:
    def __init__(self, *deliveries: Delivery, emails: FakeEmailRepository | None = None) -> None:
        self.clock = FakeClock()
        self.emails = emails or FakeEmailRepository()
        self.sender = FakeMailSender(*deliveries)
        # The top of the jitter range, so delays are exact: nominal × 1.2.
        self.send = SendEmail(
            self.emails,
            JinjaEmailRenderer(),
            self.sender,
            self.clock,
            POLICY,
            FakeRateLimiter(0),  # the limits: tests/unit/sending/test_rate_budgets.py
            LEASE,
            uniform=lambda low, high: high,
        )

    def stored(self, email_id: str = "m-1") -> Email:
        return self.emails.emails[email_id]


def context(message_id: str) -> MessageContext:
    return MessageContext(message_id=message_id, correlation_id="corr-1")


async def test_a_new_command_sends_the_email_and_records_it_sent() -> None:
    service = Service()

    assert await service.send(COMMAND, CONTEXT) == Outcome(EmailState.SENT, Then.ACK)

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

    assert await service.send(COMMAND, CONTEXT) == Outcome(EmailState.SENT, Then.ACK)

    assert len(service.sender.sent) == 1
    assert len(service.stored().attempts) == 1


async def test_a_new_message_id_is_a_new_email() -> None:
    service = Service()
    await service.send(COMMAND, CONTEXT)

    await service.send(COMMAND, context("m-2"))

    assert len(service.sender.sent) == 2
    assert set(service.emails.emails) == {"m-1", "m-2"}


async def test_a_transient_failure_is_retried_after_the_first_backoff_level() -> None:
    service = Service(TRANSIENT)

    outcome = await service.send(COMMAND, CONTEXT)

    assert outcome == Outcome(EmailState.RETRYING, Then.RETRY, retry_level=1, retry_in_seconds=72.0)
    email = service.stored()
    assert email.state is EmailState.RETRYING
    assert [(a.outcome, a.reply) for a in email.attempts] == [("transient_failure", TRANSIENT.reply)]


async def test_each_failure_waits_twice_as_long_as_the_one_before() -> None:
    service = Service(TRANSIENT, TRANSIENT)
    first = await service.send(COMMAND, CONTEXT)

    second = await service.send(COMMAND, CONTEXT)

    assert (first.retry_level, second.retry_level) == (1, 2)
    assert (first.retry_in_seconds, second.retry_in_seconds) == (72.0, 144.0)


async def test_the_retry_sends_again_and_records_every_attempt() -> None:
    service = Service(TRANSIENT)
    await service.send(COMMAND, CONTEXT)
    service.clock.advance(timedelta(minutes=1))

    assert await service.send(COMMAND, CONTEXT) == Outcome(EmailState.SENT, Then.ACK)

    assert len(service.sender.sent) == 2
    assert [a.outcome for a in service.stored().attempts] == ["transient_failure", "sent"]
    assert service.stored().attempts[-1].at == T0 + timedelta(minutes=1)
    assert [h.trigger for h in service.stored().history] == ["send", "defer", "send", "deliver"]


async def test_the_last_allowed_attempt_failing_abandons_and_parks_the_command() -> None:
    service = Service(TRANSIENT, TRANSIENT, TRANSIENT)
    for _ in range(POLICY.max_attempts - 1):
        assert (await service.send(COMMAND, CONTEXT)).then is Then.RETRY

    assert await service.send(COMMAND, CONTEXT) == Outcome(EmailState.ABANDONED, Then.PARK)

    email = service.stored()
    assert email.abandon_reason is AbandonReason.ATTEMPTS_EXHAUSTED
    assert len(email.attempts) == POLICY.max_attempts
    assert email.history[-1].trigger == "give_up"


async def test_a_permanent_failure_abandons_at_once_and_parks_the_command() -> None:
    service = Service(PERMANENT)

    assert await service.send(COMMAND, CONTEXT) == Outcome(EmailState.ABANDONED, Then.PARK)

    email = service.stored()
    assert email.abandon_reason is AbandonReason.PERMANENT_FAILURE
    assert [(a.outcome, a.reply) for a in email.attempts] == [("permanent_failure", PERMANENT.reply)]


async def test_an_abandoned_email_is_not_sent_again_but_parked_again() -> None:
    service = Service(PERMANENT)
    await service.send(COMMAND, CONTEXT)

    assert await service.send(COMMAND, CONTEXT) == Outcome(EmailState.ABANDONED, Then.PARK)

    assert len(service.sender.sent) == 1


def crashed_while_sending(claimed_at_minutes_ago: int) -> FakeEmailRepository:
    emails = FakeEmailRepository()
    email = Email(
        id="m-1",
        to="ada@example.fr",
        template="signup_verification_code",
        subject="Validation de votre compte EFP CONNECT",
        masked_text="masked",
        correlation_id="corr-1",
        created_at=T0 - timedelta(minutes=claimed_at_minutes_ago),
        version=4,
    )
    email.start_sending(T0 - timedelta(minutes=claimed_at_minutes_ago))
    emails.emails["m-1"] = email
    return emails


async def test_an_email_left_sending_by_a_crash_is_sent_again_once_the_lease_ran_out() -> None:
    service = Service(emails=crashed_while_sending(claimed_at_minutes_ago=5))

    assert await service.send(COMMAND, CONTEXT) == Outcome(EmailState.SENT, Then.ACK)

    assert len(service.sender.sent) == 1
    email = service.stored()
    assert [a.outcome for a in email.attempts] == ["transient_failure", "sent"]
    assert [h.trigger for h in email.history] == ["send", "defer", "send", "deliver"]


async def test_an_email_claimed_moments_ago_is_postponed_not_sent_twice() -> None:
    service = Service(emails=crashed_while_sending(claimed_at_minutes_ago=1))

    outcome = await service.send(COMMAND, CONTEXT)

    assert (outcome.state, outcome.then, outcome.retry_level) == (EmailState.SENDING, Then.RETRY, 1)
    assert service.sender.sent == []
    assert service.stored().version == 4


class BusyRepository(FakeEmailRepository):
    """Another consumer claims the e-mail between this one's read and its write."""

    async def update(self, email: Email) -> bool:
        self.emails[email.id].version += 1
        return await super().update(email)


async def test_an_email_claimed_by_another_consumer_is_not_sent_twice() -> None:
    emails = BusyRepository()
    retrying = Email("m-1", "ada@example.fr", "signup_verification_code", "s", "masked", "corr-1", T0, version=1)
    retrying.start_sending(T0)
    retrying.failed(T0, TRANSIENT.reply, permanent=False)
    emails.emails["m-1"] = retrying
    service = Service(emails=emails)

    outcome = await service.send(COMMAND, CONTEXT)

    assert outcome.then is Then.ACK
    assert service.sender.sent == []


async def test_an_unknown_template_fails_before_anything_is_stored() -> None:
    service = Service()
    content = SignupVerificationCodeV1.model_construct(template="no_such_template", code=CODE)
    unknown = SendEmailV1.model_construct(to="ada@example.fr", content=content)

    # The entrypoint lets this reject the command to the dead-letter queue.
    with pytest.raises(KeyError, match="no_such_template"):
        await service.send(unknown, CONTEXT)

    assert service.emails.emails == {}
    assert service.sender.sent == []


async def test_a_requeued_email_is_sent_with_a_fresh_budget() -> None:
    service = Service(TRANSIENT, TRANSIENT, TRANSIENT)
    for _ in range(POLICY.max_attempts):
        await service.send(COMMAND, CONTEXT)
    email = service.stored()
    email.requeue(T0, by="ops")
    await service.emails.update(email)

    assert await service.send(COMMAND, CONTEXT) == Outcome(EmailState.SENT, Then.ACK)

    assert [h.trigger for h in service.stored().history][-3:] == ["requeue", "send", "deliver"]
