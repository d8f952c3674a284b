"""PasswordReset: every trigger from every state, the 24-hour validity, wrong codes and decoys."""

from datetime import datetime, timedelta

import pytest

from efp_runtime.state_machine import Transition
from identity.domain.errors import CodeExpired, TooManyAttempts, WrongStep
from identity.domain.password_reset import MAX_WRONG_CODES, VALIDITY, PasswordReset, ResetRequested, ResetState
from identity.fakes import T0

GOOD = "good-hash"
SOON = T0 + timedelta(minutes=5)


def reset_in(state: ResetState, account_id: str | None = "a-1") -> PasswordReset:
    return PasswordReset("p-1", "ada@example.fr", account_id, GOOD, T0, state=state)


def pull(reset: PasswordReset, trigger: str, now: datetime) -> None:
    if trigger == "verify":
        reset.verify_code(GOOD, now)
    else:
        reset.complete(now)


def test_a_request_records_what_to_send() -> None:
    reset = PasswordReset.request("p-1", "ada@example.fr", "a-1", "123456", GOOD, T0)

    assert reset.state is ResetState.PENDING
    assert reset.expires_at == T0 + timedelta(hours=24)
    assert reset.events == [ResetRequested("p-1", "ada@example.fr", "123456", decoy=False)]


def test_a_request_for_an_unknown_address_is_a_decoy() -> None:
    reset = PasswordReset.request("p-1", "nobody@example.fr", None, "123456", GOOD, T0)

    assert reset.events == [ResetRequested("p-1", "nobody@example.fr", "123456", decoy=True)]


def test_the_right_code_verifies_a_pending_reset() -> None:
    reset = reset_in(ResetState.PENDING)

    assert reset.verify_code(GOOD, SOON) is True

    assert reset.state is ResetState.VERIFIED
    assert reset.history == [Transition(SOON, "verify", "pending", "verified")]


def test_a_wrong_code_is_counted_and_changes_no_state() -> None:
    reset = reset_in(ResetState.PENDING)

    assert reset.verify_code("bad", SOON) is False

    assert (reset.state, reset.wrong_codes, reset.history) == (ResetState.PENDING, 1, [])


@pytest.mark.parametrize("state", [ResetState.VERIFIED, ResetState.COMPLETED])
def test_a_code_cannot_be_used_twice(state: ResetState) -> None:
    reset = reset_in(state)

    with pytest.raises(WrongStep) as refused:
        reset.verify_code(GOOD, SOON)

    assert refused.value.detail == "Ce code a déjà été utilisé."
    assert reset.state is state


def test_verifying_an_expired_reset_is_refused_as_expired() -> None:
    with pytest.raises(CodeExpired):
        reset_in(ResetState.EXPIRED).verify_code(GOOD, SOON)


def test_completing_a_verified_reset_spends_it() -> None:
    reset = reset_in(ResetState.VERIFIED)

    reset.complete(SOON)

    assert reset.state is ResetState.COMPLETED
    assert reset.history == [Transition(SOON, "complete", "verified", "completed")]


@pytest.mark.parametrize("state", [ResetState.PENDING, ResetState.COMPLETED])
def test_completing_is_refused_unless_verified(state: ResetState) -> None:
    reset = reset_in(state)

    with pytest.raises(WrongStep) as refused:
        reset.complete(SOON)

    assert refused.value.detail == "Saisissez d'abord le code de réinitialisation reçu par e-mail."
    assert reset.state is state


def test_completing_an_expired_reset_is_refused_as_expired() -> None:
    with pytest.raises(CodeExpired):
        reset_in(ResetState.EXPIRED).complete(SOON)


@pytest.mark.parametrize("state", [ResetState.PENDING, ResetState.VERIFIED])
@pytest.mark.parametrize("trigger", ["verify", "complete"])
def test_an_open_reset_expires_after_24_hours_and_records_it(state: ResetState, trigger: str) -> None:
    reset = reset_in(state)

    with pytest.raises(CodeExpired) as refused:
        pull(reset, trigger, T0 + VALIDITY)

    assert refused.value.detail == "Le code de réinitialisation a expiré. Veuillez recommencer."
    assert reset.state is ResetState.EXPIRED
    assert reset.history == [Transition(T0 + VALIDITY, "expire", state.value, "expired")]


def test_a_reset_is_still_valid_one_second_before_24_hours() -> None:
    assert reset_in(ResetState.PENDING).verify_code(GOOD, T0 + VALIDITY - timedelta(seconds=1)) is True


def test_a_completed_reset_does_not_expire() -> None:
    reset = reset_in(ResetState.COMPLETED)

    with pytest.raises(WrongStep):
        reset.complete(T0 + VALIDITY * 2)

    assert reset.state is ResetState.COMPLETED
    assert reset.history == []


def test_five_wrong_codes_lock_even_the_right_one() -> None:
    reset = reset_in(ResetState.PENDING)
    for _ in range(MAX_WRONG_CODES):
        assert reset.verify_code("bad", SOON) is False

    with pytest.raises(TooManyAttempts):
        reset.verify_code(GOOD, SOON)

    assert (reset.state, reset.wrong_codes) == (ResetState.PENDING, MAX_WRONG_CODES)


def test_four_wrong_codes_leave_a_try_for_the_right_one() -> None:
    reset = reset_in(ResetState.PENDING)
    for _ in range(MAX_WRONG_CODES - 1):
        reset.verify_code("bad", SOON)

    assert reset.verify_code(GOOD, SOON) is True


def test_a_decoy_never_verifies_even_with_its_own_code_hash() -> None:
    decoy = reset_in(ResetState.PENDING, account_id=None)

    assert decoy.verify_code(GOOD, SOON) is False

    assert (decoy.state, decoy.wrong_codes) == (ResetState.PENDING, 1)


def test_a_decoy_locks_like_a_real_reset() -> None:
    decoy = reset_in(ResetState.PENDING, account_id=None)
    for _ in range(MAX_WRONG_CODES):
        decoy.verify_code(GOOD, SOON)

    with pytest.raises(TooManyAttempts):
        decoy.verify_code(GOOD, SOON)
