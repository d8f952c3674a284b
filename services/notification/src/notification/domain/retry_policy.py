"""When to try a deferred e-mail again: bounded attempts, exponential backoff with jitter."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    """Attempt n (n ≥ 2) waits `base × factor^(n-2)`, ± `jitter`, after attempt n-1 failed.

    The defaults make 7 attempts over about an hour: the first at once, then six retries after
    1, 2, 4, 8, 16 and 32 minutes, each ± 20 % so a burst of failures does not come back as one.
    """

    max_attempts: int = 7
    base_seconds: float = 60.0
    factor: float = 2.0
    jitter: float = 0.2

    def __post_init__(self) -> None:
        if self.max_attempts < 1 or self.base_seconds <= 0 or self.factor < 1 or not 0 <= self.jitter < 1:
            raise ValueError(f"invalid retry policy {self}")

    @property
    def levels(self) -> range:
        """One backoff level per wait between two attempts: 1 … max_attempts - 1.

        Level 1 exists even with a single attempt: it also postpones a duplicate command.
        """
        return range(1, max(2, self.max_attempts))

    def may_retry(self, attempts_made: int) -> bool:
        return attempts_made < self.max_attempts

    def nominal_delay(self, level: int) -> float:
        if level not in self.levels:
            raise ValueError(f"no backoff level {level} with {self.max_attempts} attempts")
        return self.base_seconds * self.factor ** (level - 1)

    def level_for(self, seconds: float) -> int:
        """The shortest backoff level that waits at least `seconds`, else the longest one: a throttled
        e-mail waits in the same delay queues as a deferred one, coming back as often as needed."""
        for level in self.levels:
            if self.nominal_delay(level) >= seconds:
                return level
        return self.levels[-1]

    def delay(self, level: int, uniform: Callable[[float, float], float]) -> float:
        """The nominal delay of `level` scaled by a random factor in [1 - jitter, 1 + jitter]."""
        return self.nominal_delay(level) * uniform(1 - self.jitter, 1 + self.jitter)
