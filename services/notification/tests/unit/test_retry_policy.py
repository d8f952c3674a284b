"""RetryPolicy: bounded attempts, delays doubling from the base, jitter within its bounds."""

import random

import pytest

from notification.domain.retry_policy import RetryPolicy


def test_the_default_is_seven_attempts_over_about_an_hour() -> None:
    policy = RetryPolicy()

    delays = [policy.nominal_delay(level) for level in policy.levels]

    assert delays == [60, 120, 240, 480, 960, 1920]
    assert sum(delays) == 63 * 60


def test_attempts_are_allowed_up_to_the_maximum() -> None:
    policy = RetryPolicy(max_attempts=3)

    assert [policy.may_retry(made) for made in (1, 2, 3)] == [True, True, False]


@pytest.mark.parametrize("level", [1, 2, 3])
def test_the_jittered_delay_stays_within_twenty_percent(level: int) -> None:
    policy = RetryPolicy(max_attempts=4, base_seconds=10, jitter=0.2)
    rng = random.Random(level)

    delays = [policy.delay(level, rng.uniform) for _ in range(500)]

    nominal = policy.nominal_delay(level)
    assert all(0.8 * nominal <= d <= 1.2 * nominal for d in delays)
    # Spread out, not all the same: a burst of failures does not come back as one burst.
    assert max(delays) - min(delays) > 0.3 * nominal


def test_level_one_exists_even_with_a_single_attempt() -> None:
    assert list(RetryPolicy(max_attempts=1).levels) == [1]


def test_a_level_beyond_the_attempts_is_refused() -> None:
    with pytest.raises(ValueError, match="no backoff level 3"):
        RetryPolicy(max_attempts=3).nominal_delay(3)


@pytest.mark.parametrize(
    "arguments",
    [{"max_attempts": 0}, {"base_seconds": 0}, {"factor": 0.5}, {"jitter": 1.0}, {"jitter": -0.1}],
)
def test_a_nonsensical_policy_is_refused(arguments: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="invalid retry policy"):
        RetryPolicy(**arguments)  # type: ignore[arg-type]
