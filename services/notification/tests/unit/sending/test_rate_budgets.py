"""Issue 14, finding 6: rate budgets per purpose and per requester, security notices never limited, and a
throttled e-mail delayed through the retry delay queues (not dropped), abandoned only after the longest wait."""

from datetime import date, timedelta

import pytest

from contracts.notification import (
    ActivationCodeRedeemedV1,
    EmailContent,
    ManagerRightGrantedV1,
    ManagerRightWithdrawnV1,
    PasswordChangedEmailV1,
    PasswordResetCodeV1,
    SendEmailV1,
    SignupAttemptOnExistingAccountV1,
    SignupVerificationCodeV1,
)
from efp_runtime.message_context import MessageContext
from notification.adapters.jinja_email_renderer import JinjaEmailRenderer
from notification.domain.catalogue import SECURITY_NOTICES, SUBJECTS, budget_family
from notification.domain.email import AbandonReason, EmailState
from notification.domain.rate_budget import Budget, Scope, budgets_of
from notification.fakes import LEASE, POLICY, T0, FakeClock, FakeEmailRepository, FakeMailSender, FakeRateLimiter
from notification.use_cases.sending.send_email import Outcome, SendEmail, Then

VICTIM = "victime@example.fr"
ATTACKER_IP = "203.0.113.7"
LINK = "https://efpconnect.emploi.gouv.fr/gestion"
SIGNUP = SignupVerificationCodeV1(code="482913")
RESET = PasswordResetCodeV1(code="771204")
NOTICES: list[EmailContent] = [
    PasswordChangedEmailV1(),
    ManagerRightGrantedV1(
        service_label="CERES",
        organisation_name="Centre Émeraude",
        siren="000010116",
        granted_by_first_name="Paul",
        granted_by_last_name="Martin",
        granted_on=date(2030, 1, 1),
        link=LINK,
    ),
    ManagerRightWithdrawnV1(
        service_label="CERES",
        organisation_name="Centre Émeraude",
        siren="000010116",
        withdrawn_by_first_name="Paul",
        withdrawn_by_last_name="Martin",
        withdrawn_on=date(2030, 1, 1),
        link=LINK,
    ),
    ActivationCodeRedeemedV1(
        service_label="CERES",
        organisation_name="Centre Émeraude",
        siret="00001011600011",
        manager_first_name="Eve",
        manager_last_name="Intruse",
        manager_email="eve@example.fr",
        redeemed_on=date(2030, 1, 1),
        link=LINK,
    ),
]


class Service:
    def __init__(self, limiter: FakeRateLimiter, max_throttled: timedelta = timedelta(hours=24)) -> None:
        self.clock = FakeClock()
        self.emails = FakeEmailRepository()
        self.sender = FakeMailSender()
        self.limiter = limiter
        # The top of the jitter range, so delays are exact: nominal × 1.2.
        self.send = SendEmail(
            self.emails,
            JinjaEmailRenderer(),
            self.sender,
            self.clock,
            POLICY,
            limiter,
            LEASE,
            uniform=lambda low, high: high,
            max_throttled=max_throttled,
        )

    async def ask(
        self, message_id: str, content: EmailContent, to: str = VICTIM, requester: str | None = None
    ) -> Outcome:
        command = SendEmailV1(to=to, content=content, requester=requester)
        return await self.send(command, MessageContext(message_id=message_id, correlation_id="corr"))

    def sent_ids(self) -> list[str]:
        return [email_id for email_id, _, _ in self.sender.sent]


def postponed(level: int) -> Outcome:
    return Outcome(EmailState.QUEUED, Then.RETRY, level, POLICY.nominal_delay(level) * 1.2)


def test_the_security_notices_are_templates_of_the_catalogue_and_draw_on_no_budget() -> None:
    assert sorted(SECURITY_NOTICES) == [
        "account_deleted",
        "activation_code_redeemed",
        "codes_locked",
        "email_changed",
        "manager_right_granted",
        "manager_right_withdrawn",
        "password_changed",
        "second_factor_changed",
    ]
    assert not SECURITY_NOTICES - SUBJECTS.keys()
    assert all(budgets_of(VICTIM, template, ATTACKER_IP) == () for template in SECURITY_NOTICES)


def test_sign_up_reset_and_other_e_mails_draw_on_separate_budgets() -> None:
    families = {template: budget_family(template) for template in SUBJECTS}

    assert families["signup_verification_code"] == families["signup_attempt_existing_account"] == "signup"
    # A code proving a new address is asked for like a sign-up's, for any address.
    assert families["email_change_code"] == "signup"
    assert families["password_reset_code"] == "reset"
    assert families["account_created"] == families["invitation"] == families["access_request_received"] == "other"
    assert budgets_of("Victime@Example.fr", "password_reset_code", ATTACKER_IP) == (
        Budget(Scope.RECIPIENT, "reset", "Victime@Example.fr"),
        Budget(Scope.REQUESTER, "reset", ATTACKER_IP),
    )
    assert Budget(Scope.RECIPIENT, "reset", "Victime@Example.fr").key == "recipient:reset:victime@example.fr"
    # An older producer names no requester: the recipient's budget alone.
    assert budgets_of(VICTIM, "signup_verification_code", None) == (Budget(Scope.RECIPIENT, "signup", VICTIM),)


async def test_a_flood_of_sign_up_e_mails_does_not_stop_the_password_reset_code() -> None:
    service = Service(FakeRateLimiter(2))
    for index in range(2):
        await service.ask(f"signup-{index}", SignupAttemptOnExistingAccountV1())

    assert await service.ask("signup-flood", SIGNUP) == postponed(2)
    assert await service.ask("reset", RESET) == Outcome(EmailState.SENT, Then.ACK)

    assert service.sent_ids() == ["signup-0", "signup-1", "reset"]


@pytest.mark.parametrize("notice", NOTICES, ids=lambda content: content.template)
async def test_a_security_notice_is_sent_when_every_budget_of_the_address_is_spent(notice: EmailContent) -> None:
    service = Service(FakeRateLimiter(1, per_requester=1))
    for family, content in (("signup", SIGNUP), ("reset", RESET), ("other", SignupAttemptOnExistingAccountV1())):
        await service.ask(f"{family}-spent", content, requester=ATTACKER_IP)
    assert (await service.ask("reset-refused", RESET, requester=ATTACKER_IP)).then is Then.RETRY

    assert await service.ask("notice", notice, requester=ATTACKER_IP) == Outcome(EmailState.SENT, Then.ACK)
    assert service.emails.emails["notice"].history[0].trigger == "send"


async def test_one_requester_is_limited_whatever_the_addresses() -> None:
    service = Service(FakeRateLimiter(0, per_requester=2))
    for index in range(2):
        await service.ask(f"m-{index}", SIGNUP, to=f"person{index}@example.fr", requester=ATTACKER_IP)

    assert await service.ask("m-2", SIGNUP, to="person2@example.fr", requester=ATTACKER_IP) == postponed(2)
    # Someone else, or a producer that names no requester, is not held back by that requester's flood.
    assert (
        await service.ask("m-3", SIGNUP, to="person2@example.fr", requester="198.51.100.1")
    ).state is EmailState.SENT
    assert (await service.ask("m-4", SIGNUP, to="person3@example.fr")).state is EmailState.SENT


async def test_a_throttled_email_waits_in_the_delay_queue_of_the_wait_left_and_is_sent_once_later() -> None:
    service = Service(FakeRateLimiter(1, window=timedelta(seconds=50)))
    await service.ask("first", SIGNUP)

    # The window frees in 50 s: the shortest backoff level that waits that long (60 s).
    assert await service.ask("second", SIGNUP) == postponed(1)
    waiting = service.emails.emails["second"]
    assert (waiting.state, waiting.abandon_reason, waiting.attempts) == (EmailState.QUEUED, None, [])
    assert waiting.history[-1].why == "rate limit: at most 1 signup per recipient per 50 s; postponed"

    service.clock.advance(timedelta(seconds=72))  # the delay queue brings the same command back
    assert await service.ask("second", SIGNUP) == Outcome(EmailState.SENT, Then.ACK)
    # A duplicate of the command (outbox relay, redelivery) sends nothing more.
    assert await service.ask("second", SIGNUP) == Outcome(EmailState.SENT, Then.ACK)

    assert service.sent_ids() == ["first", "second"]
    assert [h.trigger for h in service.emails.emails["second"].history] == ["throttle", "send", "deliver"]


async def test_a_long_wait_comes_back_at_the_longest_level_and_keeps_one_history_entry() -> None:
    service = Service(FakeRateLimiter(1))
    await service.ask("first", SIGNUP)

    for _ in range(3):
        assert await service.ask("second", SIGNUP) == postponed(POLICY.levels[-1])
        service.clock.advance(timedelta(minutes=10))

    assert [h.trigger for h in service.emails.emails["second"].history] == ["throttle"]
    assert service.emails.emails["second"].throttled_since == T0
    service.clock.advance(timedelta(minutes=31))
    assert (await service.ask("second", SIGNUP)).state is EmailState.SENT


async def test_a_requester_refusal_keeps_the_recipient_place_without_counting_it_twice() -> None:
    limiter = FakeRateLimiter(1, per_requester=1)
    service = Service(limiter)
    await service.ask("m-1", SIGNUP, to="a@example.fr", requester=ATTACKER_IP)

    assert (await service.ask("m-2", SIGNUP, to="b@example.fr", requester=ATTACKER_IP)).then is Then.RETRY
    service.clock.advance(timedelta(minutes=30))
    assert (await service.ask("m-2", SIGNUP, to="b@example.fr", requester=ATTACKER_IP)).then is Then.RETRY

    assert [email_id for _, email_id in limiter.taken["recipient:signup:b@example.fr"]] == ["m-2"]
    service.clock.advance(timedelta(minutes=31))
    assert (await service.ask("m-2", SIGNUP, to="b@example.fr", requester=ATTACKER_IP)).state is EmailState.SENT


async def test_an_email_still_throttled_after_the_longest_wait_is_abandoned_and_parked() -> None:
    service = Service(FakeRateLimiter(1, window=timedelta(days=7)), max_throttled=timedelta(hours=2))
    await service.ask("first", SIGNUP)
    assert (await service.ask("second", SIGNUP)).then is Then.RETRY
    service.clock.advance(timedelta(hours=1))
    assert (await service.ask("second", SIGNUP)).then is Then.RETRY

    service.clock.advance(timedelta(hours=1))
    assert await service.ask("second", SIGNUP) == Outcome(EmailState.ABANDONED, Then.PARK)

    email = service.emails.emails["second"]
    assert email.abandon_reason is AbandonReason.RATE_LIMITED
    assert email.history[-1].why == "rate limit still reached after 2 h: at most 1 signup per recipient per 604800 s"
    assert service.sent_ids() == ["first"]
    # Redelivered after the abandonment (a crash before parking): parked again, not sent.
    assert await service.ask("second", SIGNUP) == Outcome(EmailState.ABANDONED, Then.PARK)


def test_the_backoff_level_for_a_wait_is_the_shortest_long_enough_else_the_longest() -> None:
    assert [POLICY.level_for(s) for s in (0, 60, 61, 120, 10_000)] == [1, 1, 2, 2, 2]
