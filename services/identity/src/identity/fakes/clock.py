"""A settable clock, and the fixed values unit tests wire with (a time, an HMAC key, the frontend's links)."""

from datetime import UTC, datetime

from efp_runtime.clock import ManualClock
from identity.domain.frontend_links import FrontendLinks

T0 = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
KEY = b"k" * 32
LINKS = FrontendLinks("https://efpconnect.example.fr/")


class FakeClock(ManualClock):
    """Returns the time the test sets (T0 unless told); `advance` moves it forward."""

    def __init__(self, now: datetime = T0) -> None:
        super().__init__(now)
