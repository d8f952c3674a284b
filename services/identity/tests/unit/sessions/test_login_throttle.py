"""Progressive delay after login failures: free tries, then a minute more per failure, capped."""

from datetime import timedelta

import pytest

from identity.domain.login_throttle import FREE_FAILURES, MAX_DELAY, LoginFailures
from identity.fakes import T0


@pytest.mark.parametrize("count", range(FREE_FAILURES))
def test_fewer_than_five_failures_lock_nothing(count: int) -> None:
    assert LoginFailures(count, T0).locked_until() is None


def test_the_fifth_failure_locks_for_a_minute() -> None:
    assert LoginFailures(5, T0).locked_until() == T0 + timedelta(seconds=60)


@pytest.mark.parametrize(("count", "seconds"), [(6, 120), (7, 180), (10, 360), (19, 900)])
def test_each_further_failure_adds_a_minute(count: int, seconds: int) -> None:
    assert LoginFailures(count, T0).locked_until() == T0 + timedelta(seconds=seconds)


@pytest.mark.parametrize("count", [20, 21, 100, 10_000])
def test_the_wait_never_exceeds_fifteen_minutes(count: int) -> None:
    assert LoginFailures(count, T0).locked_until() == T0 + MAX_DELAY == T0 + timedelta(seconds=900)


def test_the_wait_counts_from_the_last_failure() -> None:
    later = T0 + timedelta(hours=3)

    assert LoginFailures(6, later).locked_until() == later + timedelta(seconds=120)
