"""Every e-mail trigger tried from every state: what is allowed, refused, and recorded."""

import pytest

from efp_runtime.state_machine import IllegalTransition
from notification.domain.email import TRANSITIONS, Attempt, Email, EmailState, HistoryEntry
from services.notification.tests.unit.fakes import T0

ALLOWED = {
    ("send", EmailState.QUEUED): EmailState.SENDING,
    ("send", EmailState.RETRYING): EmailState.SENDING,
    ("deliver", EmailState.SENDING): EmailState.SENT,
    ("defer", EmailState.SENDING): EmailState.RETRYING,
    ("abandon", EmailState.SENDING): EmailState.ABANDONED,
    ("abandon", EmailState.RETRYING): EmailState.ABANDONED,
}


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
    else:
        email.failed(T0, "550 no such user", permanent=True)


CASES = [(trigger, state) for trigger in ("send", "deliver", "defer", "abandon") for state in EmailState]


@pytest.mark.parametrize(("trigger", "state"), [c for c in CASES if c in ALLOWED])
def test_an_allowed_trigger_moves_the_email_and_records_it(trigger: str, state: EmailState) -> None:
    email = email_in(state)

    pull(email, trigger)

    assert email.state is ALLOWED[trigger, state]
    assert email.history == [HistoryEntry(T0, trigger, state, ALLOWED[trigger, state])]


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
