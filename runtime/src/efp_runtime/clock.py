"""The time services read: the system's, or in tests one shifted by an offset the test controls.

End-to-end tests of rules that span days (« relancer après 30 jours », an invitation that
expires after a day) cannot sleep. With EFP_TEST_CLOCK_FILE set, services add the number of
seconds written in that file to the real time. Production settings refuse the setting.
"""

import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


class ShiftedClock:
    """Real time plus the offset in a file (re-read when the file changes)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._stamp: float | None = None
        self._offset = timedelta(0)

    def __call__(self) -> datetime:
        try:
            stamp = os.stat(self._path).st_mtime
        except FileNotFoundError:
            return system_clock()
        if stamp != self._stamp:
            self._stamp = stamp
            text = self._path.read_text().strip()
            self._offset = timedelta(seconds=float(text or 0))
        return system_clock() + self._offset


def clock_from(test_clock_file: str | None, environment: str) -> Clock:
    if not test_clock_file:
        return system_clock
    if environment == "production":
        raise ValueError("EFP_TEST_CLOCK_FILE must not be set when EFP_ENVIRONMENT=production")
    return ShiftedClock(Path(test_clock_file))


class ManualClock:
    """A clock that moves only when told: the one every service's fakes use in unit tests."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta
