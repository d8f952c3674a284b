"""Registration start and its 6-digit code: validity, wrong tries and the events recorded."""

from datetime import timedelta

import pytest

from identity.domain.errors import CodeExpired, TooManyAttempts
from identity.domain.registration import (
    CODE_VALIDITY,
    INACTIVITY_LIMIT,
    MAX_WRONG_CODES,
    EmailVerified,
    Registration,
    RegistrationStarted,
    Step,
)
from identity.fakes import T0

GOOD_HASH = "good-hash"


def started() -> Registration:
    return Registration.start("r-1", "ada@example.fr", "123456", GOOD_HASH, T0)


def test_start_opens_the_verify_email_step_with_a_fresh_code() -> None:
    registration = started()

    assert registration.state is Step.VERIFY_EMAIL
    assert registration.code_hash == GOOD_HASH
    assert registration.code_expires_at == T0 + CODE_VALIDITY
    assert registration.wrong_codes == 0
    assert registration.expires_at == T0 + INACTIVITY_LIMIT
    assert registration.history == []


def test_start_records_registration_started_with_the_code_to_send() -> None:
    assert started().events == [RegistrationStarted("r-1", "ada@example.fr", "123456", T0 + INACTIVITY_LIMIT)]


def test_a_right_code_records_email_verified_after_registration_started() -> None:
    registration = started()

    registration.verify_code(GOOD_HASH, T0 + timedelta(minutes=1))

    assert isinstance(registration.events[0], RegistrationStarted)
    assert registration.events[1:] == [EmailVerified("r-1")]


def test_a_wrong_code_is_counted_and_refused_without_changing_step() -> None:
    registration = started()
    now = T0 + timedelta(minutes=3)

    assert registration.verify_code("bad-hash", now) is False

    assert registration.wrong_codes == 1
    assert registration.state is Step.VERIFY_EMAIL
    assert registration.last_activity_at == now
    assert registration.history == []
    assert not any(isinstance(e, EmailVerified) for e in registration.events)


def test_four_wrong_codes_still_leave_a_try_for_the_right_one() -> None:
    registration = started()
    for minute in range(MAX_WRONG_CODES - 1):
        registration.verify_code("bad-hash", T0 + timedelta(minutes=minute))

    assert registration.verify_code(GOOD_HASH, T0 + timedelta(minutes=10)) is True
    assert registration.state is Step.PASSWORD


def test_five_wrong_codes_lock_the_code() -> None:
    registration = started()
    for minute in range(MAX_WRONG_CODES):
        assert registration.verify_code("bad-hash", T0 + timedelta(minutes=minute)) is False

    with pytest.raises(TooManyAttempts):
        registration.verify_code(GOOD_HASH, T0 + timedelta(minutes=10))

    assert registration.wrong_codes == MAX_WRONG_CODES
    assert registration.state is Step.VERIFY_EMAIL


def test_a_locked_code_stays_locked_and_is_not_counted_further() -> None:
    registration = started()
    registration.wrong_codes = MAX_WRONG_CODES

    for _ in range(3):
        with pytest.raises(TooManyAttempts):
            registration.verify_code("bad-hash", T0 + timedelta(minutes=1))

    assert registration.wrong_codes == MAX_WRONG_CODES
    assert registration.last_activity_at == T0


def test_the_code_is_still_valid_just_before_one_hour() -> None:
    registration = started()
    registration.verify_code("bad-hash", T0 + timedelta(minutes=30))

    assert registration.verify_code(GOOD_HASH, T0 + CODE_VALIDITY - timedelta(seconds=1)) is True


def test_the_code_expires_after_one_hour() -> None:
    registration = started()
    # Activity keeps the registration open past the code's own hour.
    registration.verify_code("bad-hash", T0 + timedelta(minutes=30))

    with pytest.raises(CodeExpired):
        registration.verify_code(GOOD_HASH, T0 + CODE_VALIDITY)

    assert registration.state is Step.VERIFY_EMAIL
    assert registration.wrong_codes == 1


def test_an_expired_code_is_refused_even_when_right() -> None:
    registration = started()
    registration.verify_code("bad-hash", T0 + timedelta(minutes=59))

    with pytest.raises(CodeExpired):
        registration.verify_code(GOOD_HASH, T0 + timedelta(minutes=61))

    assert registration.state is Step.VERIFY_EMAIL
    assert not any(isinstance(e, EmailVerified) for e in registration.events)
