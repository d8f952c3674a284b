"""`eventually()`: wait until something asynchronous has happened, for tests and readiness checks.

Messages cross the broker, e-mails reach SMTP, sweeps run on their own clock: a check of their effect
polls until it holds or a deadline passes, then fails saying what it waited for and what it last saw.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


class NotYet(AssertionError):
    """Raised when the deadline passed: an AssertionError, so pytest reports it as a failed check."""


async def eventually(
    probe: Callable[[], Awaitable[T]],
    until: Callable[[T], bool] = bool,
    *,
    within: float = 10.0,
    every: float = 0.05,
    what: str = "the condition",
) -> T:
    """Call `probe` until `until(result)` holds, and return that result; raise NotYet after `within` s.

    A probe that raises counts as "not yet" (a service still starting refuses connections) until the
    deadline, when its last error is raised from NotYet.
    """
    deadline = time.monotonic() + within
    while True:
        last: object
        failure: Exception | None
        try:
            result = await probe()
        except Exception as error:  # retried until the deadline, then reported
            last, failure = error, error
        else:
            if until(result):
                return result
            last, failure = result, None
        if time.monotonic() >= deadline:
            raise NotYet(f"{what} did not hold within {within:g} s; last seen: {last!r}") from failure
        await asyncio.sleep(every)


def eventually_sync(
    probe: Callable[[], T],
    until: Callable[[T], bool] = bool,
    *,
    within: float = 10.0,
    every: float = 0.05,
    what: str = "the condition",
) -> T:
    """The same for synchronous code (the browser journeys' Playwright sync API, threads)."""
    deadline = time.monotonic() + within
    while True:
        last: object
        failure: Exception | None
        try:
            result = probe()
        except Exception as error:  # retried until the deadline, then reported
            last, failure = error, error
        else:
            if until(result):
                return result
            last, failure = result, None
        if time.monotonic() >= deadline:
            raise NotYet(f"{what} did not hold within {within:g} s; last seen: {last!r}") from failure
        time.sleep(every)
