"""Progressive delay after repeated login failures for one address (after Keycloak's scheme)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

FREE_FAILURES = 5  # a person mistyping gets this many tries without waiting
STEP = timedelta(seconds=60)
MAX_DELAY = timedelta(seconds=900)


@dataclass(frozen=True)
class LoginFailures:
    count: int
    last_failure_at: datetime

    def locked_until(self) -> datetime | None:
        """After FREE_FAILURES failures, each new one adds a minute of wait, up to 15 minutes."""
        if self.count < FREE_FAILURES:
            return None
        return self.last_failure_at + min(STEP * (self.count - FREE_FAILURES + 1), MAX_DELAY)
