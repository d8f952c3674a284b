"""Registration after step 2: resending the code, steps 3 to 5 from every step, and idle abandonment."""

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from efp_runtime.state_machine import Transition
from identity import fakes
from identity.domain.errors import RegistrationExpired, TooEarly, WrongStep
from identity.domain.registration import (
    CODE_VALIDITY,
    INACTIVITY_LIMIT,
    MAX_WRONG_CODES,
    OPEN_STEPS,
    RESEND_COOLDOWN,
    CodeResent,
    Registration,
    RegistrationAbandoned,
    RegistrationCompleted,
    Step,
)
from identity.fakes import T0

SOON = T0 + timedelta(minutes=5)


def registration_in(state: Step, decoy: bool = False) -> Registration:
    return fakes.registration_in(state, code_hash="old-hash", code_sent_at=T0, decoy=decoy)


def test_a_new_code_within_the_cooldown_is_too_early() -> None:
    registration = registration_in(Step.VERIFY_EMAIL)

    with pytest.raises(TooEarly) as refused:
        registration.resend_code("654321", "new-hash", T0 + timedelta(seconds=20))

    assert refused.value.retry_after_seconds is not None
    assert 40 <= refused.value.retry_after_seconds <= 41
    assert registration.code_hash == "old-hash"
    assert registration.events == []


def test_waiting_the_announced_delay_is_enough() -> None:
    registration = registration_in(Step.VERIFY_EMAIL)
    with pytest.raises(TooEarly) as refused:
        registration.resend_code("654321", "new-hash", T0)
    assert refused.value.retry_after_seconds is not None

    registration.resend_code("654321", "new-hash", T0 + timedelta(seconds=refused.value.retry_after_seconds))

    assert registration.code_hash == "new-hash"


def test_the_cooldown_is_a_parameter() -> None:
    registration = registration_in(Step.VERIFY_EMAIL)

    with pytest.raises(TooEarly):
        registration.resend_code("654321", "new-hash", T0 + timedelta(seconds=9), cooldown=timedelta(seconds=10))
    registration.resend_code("654321", "new-hash", T0 + timedelta(seconds=10), cooldown=timedelta(seconds=10))

    assert registration.code_sent_at == T0 + timedelta(seconds=10)


def test_a_new_code_replaces_the_old_one_with_fresh_tries_and_validity() -> None:
    registration = registration_in(Step.VERIFY_EMAIL)
    for _ in range(MAX_WRONG_CODES):
        registration.verify_code("wrong", T0 + timedelta(seconds=1))
    now = T0 + RESEND_COOLDOWN + timedelta(minutes=1)

    registration.resend_code("654321", "new-hash", now)

    assert registration.code_hash == "new-hash"
    assert registration.wrong_codes == 0
    assert registration.code_expires_at == now + CODE_VALIDITY
    assert (registration.code_sent_at, registration.last_activity_at) == (now, now)
    assert registration.events == [CodeResent("r-1", "ada@example.fr", "654321", decoy=False)]
    assert registration.verify_code("new-hash", now) is True


def test_a_decoy_resend_says_it_is_a_decoy() -> None:
    registration = registration_in(Step.VERIFY_EMAIL, decoy=True)

    registration.resend_code("654321", "new-hash", SOON)

    assert registration.events == [CodeResent("r-1", "ada@example.fr", "654321", decoy=True)]


def test_a_registration_without_a_send_time_may_resend_at_once() -> None:
    registration = registration_in(Step.VERIFY_EMAIL)
    registration.code_sent_at = None

    registration.resend_code("654321", "new-hash", T0)

    assert registration.code_sent_at == T0


@pytest.mark.parametrize("state", [Step.PASSWORD, Step.IDENTITY, Step.ORGANISATION, Step.COMPLETED])
def test_no_code_is_resent_once_the_address_is_verified(state: Step) -> None:
    with pytest.raises(WrongStep):
        registration_in(state).resend_code("654321", "new-hash", SOON)


def test_no_code_is_resent_for_an_expired_registration() -> None:
    with pytest.raises(RegistrationExpired):
        registration_in(Step.EXPIRED).resend_code("654321", "new-hash", SOON)


Trigger = Callable[[Registration, datetime], None]


def choose_password(registration: Registration, now: datetime) -> None:
    registration.choose_password("argon-hash", now)


def give_identity(registration: Registration, now: datetime) -> None:
    registration.give_identity("madame", "Lovelace", "Ada", now)


def complete(registration: Registration, now: datetime) -> None:
    registration.complete(now)


STEPS: list[tuple[Trigger, str, Step, Step]] = [
    (choose_password, "set_password", Step.PASSWORD, Step.IDENTITY),
    (give_identity, "set_identity", Step.IDENTITY, Step.ORGANISATION),
    (complete, "complete", Step.ORGANISATION, Step.COMPLETED),
]
WRONG_STEPS = [
    (trigger, state)
    for trigger, _, source, _ in STEPS
    for state in Step
    if state is not source and state is not Step.EXPIRED
]


@pytest.mark.parametrize(("trigger", "name", "source", "dest"), STEPS)
def test_each_step_moves_on_from_its_own_step_and_records_it(
    trigger: Trigger, name: str, source: Step, dest: Step
) -> None:
    registration = registration_in(source)

    trigger(registration, SOON)

    assert registration.state is dest
    assert registration.history == [Transition(SOON, name, source, dest)]
    assert registration.last_activity_at == SOON


@pytest.mark.parametrize(("trigger", "state"), WRONG_STEPS)
def test_each_step_is_refused_from_any_other_step(trigger: Trigger, state: Step) -> None:
    registration = registration_in(state)

    with pytest.raises(WrongStep):
        trigger(registration, SOON)

    assert (registration.state, registration.history, registration.events) == (state, [], [])
    assert (registration.password_hash, registration.last_name) == (None, None)
    assert registration.last_activity_at == T0


@pytest.mark.parametrize("trigger", [choose_password, give_identity, complete])
def test_each_step_of_an_expired_registration_is_refused_as_expired(trigger: Trigger) -> None:
    registration = registration_in(Step.EXPIRED)

    with pytest.raises(RegistrationExpired):
        trigger(registration, SOON)

    assert registration.history == []


def test_the_password_step_keeps_the_hash() -> None:
    registration = registration_in(Step.PASSWORD)

    choose_password(registration, SOON)

    assert registration.password_hash == "argon-hash"


def test_the_identity_step_keeps_civility_and_names() -> None:
    registration = registration_in(Step.IDENTITY)

    give_identity(registration, SOON)

    assert (registration.civility, registration.last_name, registration.first_name) == ("madame", "Lovelace", "Ada")


def test_completing_records_registration_completed() -> None:
    registration = registration_in(Step.ORGANISATION)

    complete(registration, SOON)

    assert registration.events == [RegistrationCompleted("r-1")]


@pytest.mark.parametrize("state", OPEN_STEPS)
def test_an_open_registration_idle_past_the_limit_is_abandoned_at_its_step(state: Step) -> None:
    registration = registration_in(state)
    now = T0 + INACTIVITY_LIMIT

    assert registration.abandon_if_idle(now) is True

    assert registration.state is Step.EXPIRED
    assert registration.history == [Transition(now, "expire", state, Step.EXPIRED)]
    assert registration.events == [RegistrationAbandoned("r-1", state)]


@pytest.mark.parametrize("state", OPEN_STEPS)
def test_an_open_registration_within_the_limit_is_left_alone(state: Step) -> None:
    registration = registration_in(state)

    assert registration.abandon_if_idle(T0 + INACTIVITY_LIMIT - timedelta(seconds=1)) is False

    assert (registration.state, registration.history, registration.events) == (state, [], [])


@pytest.mark.parametrize("state", [Step.COMPLETED, Step.EXPIRED])
def test_a_closed_registration_is_never_abandoned(state: Step) -> None:
    registration = registration_in(state)

    assert registration.abandon_if_idle(T0 + INACTIVITY_LIMIT * 10) is False

    assert (registration.state, registration.events) == (state, [])


@pytest.mark.parametrize(("trigger", "_name", "source", "_dest"), STEPS)
def test_a_user_touching_an_idle_registration_abandons_it_at_its_step(
    trigger: Trigger, _name: str, source: Step, _dest: Step
) -> None:
    registration = registration_in(source)

    with pytest.raises(RegistrationExpired):
        trigger(registration, T0 + INACTIVITY_LIMIT)

    assert registration.state is Step.EXPIRED
    assert registration.events == [RegistrationAbandoned("r-1", source)]


def test_asking_a_new_code_for_an_idle_registration_abandons_it() -> None:
    registration = registration_in(Step.VERIFY_EMAIL)

    with pytest.raises(RegistrationExpired):
        registration.resend_code("654321", "new-hash", T0 + INACTIVITY_LIMIT)

    assert registration.events == [RegistrationAbandoned("r-1", Step.VERIFY_EMAIL)]
