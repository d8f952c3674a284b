"""The second-factor policy (domain): what counts as proved, what is fresh, who is asked what, on and off."""

from datetime import UTC, datetime, timedelta

import pytest

from contracts.habilitation import ActorV1
from contracts.second_factor import SECOND_FACTOR_AMR, STEP_UP_MAX_AGE_SECONDS
from habilitation.domain.errors import SecondFactorRequired, StepUpRequired
from habilitation.domain.second_factor import (
    SECOND_FACTOR_METHODS,
    STEP_UP_MAX_AGE,
    SecondFactorPolicy,
    fresh,
    proved,
)

NOW = datetime(2030, 1, 15, 9, 0, tzinfo=UTC)
ON, OFF = SecondFactorPolicy(required=True), SecondFactorPolicy(required=False)


def session(amr: list[str], ago: timedelta | None = None, enrolled: bool = False) -> ActorV1:
    at = None if ago is None else NOW - ago
    return ActorV1(account_id="a", kind="user", amr=amr, second_factor_at=at, second_factor_enrolled=enrolled)


def test_the_domain_says_the_contract_s_factors_and_freshness() -> None:
    assert SECOND_FACTOR_METHODS == SECOND_FACTOR_AMR
    assert timedelta(seconds=STEP_UP_MAX_AGE_SECONDS) == STEP_UP_MAX_AGE


@pytest.mark.parametrize(
    ("amr", "expected"),
    [(["pwd"], False), (["pwd", "mfa"], False), (["pwd", "otp", "mfa"], True), (["pwd", "hwk", "mfa"], True)],
)
def test_a_code_or_a_passkey_proves_a_second_factor_mfa_alone_does_not(amr: list[str], expected: bool) -> None:
    assert proved(session(amr)) is expected


@pytest.mark.parametrize(
    ("ago", "expected"),
    [(timedelta(minutes=15), True), (timedelta(minutes=15, seconds=1), False), (timedelta(seconds=-30), True)],
)
def test_fresh_is_within_fifteen_minutes(ago: timedelta, expected: bool) -> None:
    assert fresh(session(["pwd", "otp", "mfa"], ago), NOW) is expected
    assert fresh(session(["pwd"], ago), NOW) is False  # a time without a factor proves nothing


def test_required_refuses_a_password_alone_off_lets_it_through() -> None:
    with pytest.raises(SecondFactorRequired) as refused:
        ON.require_proved(session(["pwd"]))

    assert refused.value.code == "second_factor_required"
    assert "configurez d'abord la double authentification" in refused.value.detail
    ON.require_proved(session(["pwd", "hwk", "mfa"]))
    OFF.require_proved(session(["pwd"]))


def test_step_up_asks_a_fresh_proof_when_required() -> None:
    with pytest.raises(StepUpRequired) as refused:
        ON.require_fresh(session(["pwd", "otp", "mfa"], timedelta(minutes=20), enrolled=True), NOW)

    assert refused.value.code == "step_up_required"
    assert "confirmez votre identité" in refused.value.detail
    ON.require_fresh(session(["pwd", "otp", "mfa"], timedelta(minutes=5), enrolled=True), NOW)
    # Not enrolled at all: asked to enrol first, not to confirm.
    with pytest.raises(SecondFactorRequired):
        ON.require_fresh(session(["pwd"]), NOW)


def test_off_step_up_still_asks_whoever_enrolled_and_nobody_else() -> None:
    with pytest.raises(StepUpRequired):
        OFF.require_fresh(session(["pwd", "otp", "mfa"], timedelta(minutes=20), enrolled=True), NOW)
    with pytest.raises(StepUpRequired):
        OFF.require_fresh(session(["pwd"], enrolled=True), NOW)  # a session from before the enrolment

    OFF.require_fresh(session(["pwd", "otp", "mfa"], timedelta(minutes=1), enrolled=True), NOW)
    OFF.require_fresh(session(["pwd"]), NOW)


def test_enrolment_is_asked_of_a_right_holder_only_while_required() -> None:
    assert (ON.asks_enrolment(True), ON.asks_enrolment(False)) == (True, False)
    assert (OFF.asks_enrolment(True), OFF.asks_enrolment(False)) == (False, False)
