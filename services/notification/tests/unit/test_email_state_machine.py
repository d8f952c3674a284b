"""Every e-mail trigger tried from every state: what is allowed, refused, and recorded."""

from datetime import timedelta

import pytest

from efp_runtime.state_machine import IllegalTransition, Transition, fire, machine
from notification.domain.email import TRANSITIONS, AbandonReason, Attempt, Email, EmailState
from notification.fakes import T0

ALLOWED = {
    ("send", EmailState.QUEUED): EmailState.SENDING,
    ("send", EmailState.RETRYING): EmailState.SENDING,
    ("deliver", EmailState.SENDING): EmailState.SENT,
    ("defer", EmailState.SENDING): EmailState.RETRYING,
    ("abandon", EmailState.SENDING): EmailState.ABANDONED,
    ("give_up", EmailState.RETRYING): EmailState.ABANDONED,
    ("throttle", EmailState.QUEUED): EmailState.QUEUED,
    ("expire", EmailState.QUEUED): EmailState.ABANDONED,
    ("requeue", EmailState.ABANDONED): EmailState.QUEUED,
}
TRIGGERS = ("send", "deliver", "defer", "abandon", "give_up", "throttle", "expire", "requeue")


def email_in(state: EmailState) -> Email:
    return Email(
        id="m-1",
        to="ada@example.fr",
        template="signup_verification_code",
        subject="Validation de votre compte EFP CONNECT",
        masked_text="••••••",
        correlation_id="corr-1",
        created_at=T0,
        state=state,
    )


def pull(email: Email, trigger: str) -> None:
    """Each trigger through the public method that fires it."""
    if trigger == "send":
        email.start_sending(T0)
    elif trigger == "deliver":
        email.sent(T0, "250 ok")
    elif trigger == "defer":
        email.failed(T0, "451 busy", permanent=False)
    elif trigger == "abandon":
        email.failed(T0, "550 no such user", permanent=True)
    elif trigger == "give_up":
        email.give_up(T0)
    elif trigger == "throttle":
        email.throttle(T0, "rate limit")
    elif trigger == "expire":
        email.expire(T0, "rate limit still reached")
    else:
        email.requeue(T0, by="ops")


CASES = [(trigger, state) for trigger in TRIGGERS for state in EmailState]


@pytest.mark.parametrize(("trigger", "state"), [c for c in CASES if c in ALLOWED])
def test_an_allowed_trigger_moves_the_email_and_records_it(trigger: str, state: EmailState) -> None:
    email = email_in(state)

    pull(email, trigger)

    assert email.state is ALLOWED[trigger, state]
    [entry] = email.history
    assert (entry.at, entry.trigger, entry.source, entry.dest) == (T0, trigger, state, ALLOWED[trigger, state])


@pytest.mark.parametrize(("trigger", "state"), [c for c in CASES if c not in ALLOWED])
def test_a_refused_trigger_raises_and_leaves_state_and_history(trigger: str, state: EmailState) -> None:
    email = email_in(state)

    with pytest.raises(IllegalTransition):
        pull(email, trigger)

    assert email.state is state
    assert email.history == []


def test_the_domain_transition_table_is_the_one_tested_here() -> None:
    table = {
        (t["trigger"], source): t["dest"]
        for t in TRANSITIONS
        for source in (t["source"] if isinstance(t["source"], list) else [t["source"]])
    }

    assert table == ALLOWED


@pytest.mark.parametrize(("trigger", "state"), CASES)
def test_an_email_moves_as_the_library_machine_of_its_transitions_does(trigger: str, state: EmailState) -> None:
    # The e-mail fires from a table read once from the machine: it must agree with firing the machine.
    library = machine(EmailState, TRANSITIONS, initial=EmailState.QUEUED)
    try:
        expected: EmailState | None = fire(library, state, trigger)
    except IllegalTransition:
        expected = None
    email = email_in(state)

    try:
        pull(email, trigger)
        reached: EmailState | None = email.state
    except IllegalTransition:
        reached = None

    assert reached is expected


def test_a_delivery_is_recorded_as_a_sent_attempt() -> None:
    email = email_in(EmailState.SENDING)

    email.sent(T0, "250 ok")

    assert email.attempts == [Attempt(T0, "sent", "250 ok")]
    assert email.done


def test_a_transient_failure_is_recorded_and_retried() -> None:
    email = email_in(EmailState.SENDING)

    email.failed(T0, "451 busy", permanent=False)

    assert email.attempts == [Attempt(T0, "transient_failure", "451 busy")]
    assert email.state is EmailState.RETRYING
    assert not email.done


def test_a_permanent_failure_abandons_at_once() -> None:
    email = email_in(EmailState.SENDING)

    email.failed(T0, "550 no such user", permanent=True)

    assert email.attempts == [Attempt(T0, "permanent_failure", "550 no such user")]
    assert email.state is EmailState.ABANDONED
    assert email.done


def test_retries_accumulate_attempts_in_order() -> None:
    email = email_in(EmailState.QUEUED)
    email.start_sending(T0)
    email.failed(T0, "451 busy", permanent=False)
    email.start_sending(T0)
    email.sent(T0, "250 ok")

    assert [a.outcome for a in email.attempts] == ["transient_failure", "sent"]
    assert [h.trigger for h in email.history] == ["send", "defer", "send", "deliver"]


@pytest.mark.parametrize("state", [EmailState.QUEUED, EmailState.SENT, EmailState.ABANDONED])
def test_a_refused_outcome_records_no_attempt(state: EmailState) -> None:
    email = email_in(state)

    with pytest.raises(IllegalTransition):
        email.sent(T0, "250 ok")

    assert email.attempts == []


def test_a_5xx_abandons_for_a_permanent_failure() -> None:
    email = email_in(EmailState.SENDING)

    email.failed(T0, "550 no such user", permanent=True)

    assert (email.state, email.abandon_reason) == (EmailState.ABANDONED, AbandonReason.PERMANENT_FAILURE)


def test_giving_up_records_the_attempts_made() -> None:
    email = email_in(EmailState.QUEUED)
    email.start_sending(T0)
    email.failed(T0, "451 busy", permanent=False)

    email.give_up(T0)

    assert (email.state, email.abandon_reason) == (EmailState.ABANDONED, AbandonReason.ATTEMPTS_EXHAUSTED)
    assert email.history[-1].why == "attempts exhausted: 1 failed"


def test_a_throttled_email_stays_queued_with_the_limit_in_its_history_once_per_wait() -> None:
    email = email_in(EmailState.QUEUED)

    email.throttle(T0, "rate limit: at most 20 signup e-mails to one address per 3600 s; postponed")
    email.throttle(T0 + timedelta(minutes=32), "rate limit: again")

    assert (email.state, email.abandon_reason) == (EmailState.QUEUED, None)
    assert [(h.trigger, h.why) for h in email.history] == [
        ("throttle", "rate limit: at most 20 signup e-mails to one address per 3600 s; postponed")
    ]
    assert email.throttled_since == T0
    assert email.attempts == []


def test_a_throttled_email_that_waited_too_long_is_abandoned_rate_limited() -> None:
    email = email_in(EmailState.QUEUED)
    email.throttle(T0, "rate limit")

    email.expire(T0 + timedelta(hours=24), "rate limit still reached after 24 h")

    assert (email.state, email.abandon_reason) == (EmailState.ABANDONED, AbandonReason.RATE_LIMITED)
    assert email.history[-1].why == "rate limit still reached after 24 h"


def test_a_requeue_starts_a_new_wait() -> None:
    email = email_in(EmailState.QUEUED)
    email.throttle(T0, "rate limit")
    email.expire(T0 + timedelta(hours=24), "too long")

    email.requeue(T0 + timedelta(hours=25), by="ops")

    assert email.throttled_since is None


def test_a_requeue_clears_the_reason_and_says_who_asked() -> None:
    email = email_in(EmailState.SENDING)
    email.failed(T0, "550 no such user", permanent=True)

    email.requeue(T0, by="ops")

    assert (email.state, email.abandon_reason) == (EmailState.QUEUED, None)
    assert email.history[-1] == Transition(T0, "requeue", "abandoned", "queued", why="requeued by ops")


def test_the_attempt_budget_starts_again_after_a_requeue() -> None:
    email = email_in(EmailState.QUEUED)
    for _ in range(3):
        email.start_sending(T0)
        email.failed(T0, "451 busy", permanent=False)
    email.give_up(T0)
    assert email.attempts_since_queued == 3

    email.requeue(T0, by="ops")
    email.start_sending(T0)

    assert email.attempts_since_queued == 1
    assert len(email.attempts) == 3


def test_sent_at_is_the_time_of_the_accepted_attempt() -> None:
    email = email_in(EmailState.SENDING)
    assert email.sent_at is None

    email.sent(T0 + timedelta(seconds=3), "250 ok")

    assert email.sent_at == T0 + timedelta(seconds=3)


def test_a_recent_claim_is_held_and_an_old_one_is_not() -> None:
    email = email_in(EmailState.QUEUED)
    email.start_sending(T0)
    lease = timedelta(minutes=2)

    assert email.claimed_recently(T0 + timedelta(minutes=1), lease)
    assert not email.claimed_recently(T0 + timedelta(minutes=3), lease)
    assert not email_in(EmailState.RETRYING).claimed_recently(T0, lease)


def test_an_interrupted_attempt_counts_as_a_transient_failure() -> None:
    email = email_in(EmailState.SENDING)

    email.interrupted(T0)

    assert email.state is EmailState.RETRYING
    assert email.attempts == [Attempt(T0, "transient_failure", "interrupted before the outcome was saved")]
