"""Every registration trigger tried from every step: what is allowed, refused, and recorded."""

from datetime import timedelta

import pytest

from efp_runtime.state_machine import Transition
from identity.domain.errors import CodeExpired, RegistrationExpired, WrongStep
from identity.domain.registration import (
    INACTIVITY_LIMIT,
    OPEN_STEPS,
    EmailVerified,
    RegistrationAbandoned,
    Step,
)
from identity.fakes import T0, registration_in

GOOD_HASH = "good-hash"


def test_the_right_code_in_verify_email_moves_to_password_and_records_it() -> None:
    registration = registration_in(Step.VERIFY_EMAIL)
    now = T0 + timedelta(minutes=5)

    assert registration.verify_code(GOOD_HASH, now) is True

    assert registration.state is Step.PASSWORD
    assert registration.history == [Transition(now, "verify_email", Step.VERIFY_EMAIL, Step.PASSWORD)]
    assert registration.events == [EmailVerified("r-1")]
    assert registration.last_activity_at == now


@pytest.mark.parametrize("state", [Step.PASSWORD, Step.IDENTITY, Step.ORGANISATION, Step.COMPLETED])
def test_verify_email_is_refused_once_past_the_verify_email_step(state: Step) -> None:
    registration = registration_in(state)

    with pytest.raises(WrongStep):
        registration.verify_code(GOOD_HASH, T0 + timedelta(minutes=5))

    assert registration.state is state
    assert registration.history == []
    assert registration.events == []
    assert registration.last_activity_at == T0


def test_verify_email_on_an_expired_registration_is_refused_as_expired() -> None:
    registration = registration_in(Step.EXPIRED)

    with pytest.raises(RegistrationExpired):
        registration.verify_code(GOOD_HASH, T0 + timedelta(minutes=5))

    assert registration.state is Step.EXPIRED
    assert registration.history == []
    assert registration.events == []


@pytest.mark.parametrize("state", OPEN_STEPS)
def test_inactivity_expires_every_open_step_and_records_it(state: Step) -> None:
    registration = registration_in(state)
    now = T0 + INACTIVITY_LIMIT

    with pytest.raises(RegistrationExpired):
        registration.verify_code(GOOD_HASH, now)

    assert registration.state is Step.EXPIRED
    assert registration.history == [Transition(now, "expire", state, Step.EXPIRED)]
    assert registration.events == [RegistrationAbandoned(registration.id, state)]


def test_inactivity_does_not_expire_a_completed_registration() -> None:
    registration = registration_in(Step.COMPLETED)

    with pytest.raises(WrongStep):
        registration.verify_code(GOOD_HASH, T0 + INACTIVITY_LIMIT * 5)

    assert registration.state is Step.COMPLETED
    assert registration.history == []


def test_an_expired_registration_is_not_expired_again() -> None:
    registration = registration_in(Step.EXPIRED)

    with pytest.raises(RegistrationExpired):
        registration.verify_code(GOOD_HASH, T0 + INACTIVITY_LIMIT * 5)

    assert registration.history == []


def test_one_second_before_the_inactivity_limit_the_registration_is_still_open() -> None:
    registration = registration_in(Step.VERIFY_EMAIL)

    assert registration.verify_code(GOOD_HASH, T0 + INACTIVITY_LIMIT - timedelta(seconds=1)) is True
    assert registration.state is Step.PASSWORD


def test_expiry_is_measured_from_the_last_activity_not_the_creation() -> None:
    registration = registration_in(Step.VERIFY_EMAIL)
    registration.verify_code("wrong", T0 + timedelta(minutes=50))

    # 70 minutes after creation but 20 after the last try: still open, only the code has expired.
    with pytest.raises(CodeExpired):
        registration.verify_code(GOOD_HASH, T0 + timedelta(minutes=70))

    assert registration.state is Step.VERIFY_EMAIL
    assert registration.expires_at == T0 + timedelta(minutes=50) + INACTIVITY_LIMIT


def test_expiring_twice_over_keeps_a_single_history_entry() -> None:
    registration = registration_in(Step.IDENTITY)
    later = T0 + INACTIVITY_LIMIT

    for _ in range(2):
        with pytest.raises(RegistrationExpired):
            registration.verify_code(GOOD_HASH, later)

    assert [entry.trigger for entry in registration.history] == ["expire"]


def test_transitions_leave_no_machine_attributes_on_the_registration() -> None:
    registration = registration_in(Step.VERIFY_EMAIL)
    fields_before = set(vars(registration))

    registration.verify_code(GOOD_HASH, T0)

    assert set(vars(registration)) == fields_before
    assert not any(hasattr(registration, name) for name in ("verify_email", "expire", "trigger", "may_expire"))
