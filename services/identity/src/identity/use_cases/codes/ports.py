"""The ports that guard secrets and sends: the keyed hash of short secrets, the rate limiter."""

from datetime import datetime, timedelta
from typing import Protocol

from identity.domain.login_throttle import LoginFailures


class SecretHasher(Protocol):
    """Keyed one-way hash for short secrets (codes, captcha answers), scoped per aggregate."""

    def hash(self, scope: str, secret: str) -> str: ...


class RateLimiter(Protocol):
    async def hit(self, key: str, limit: int, window: timedelta) -> int | None:
        """Count one attempt; the seconds to wait if over `limit` in the current window, else None."""
        ...

    async def exhausted(self, key: str, limit: int, window: timedelta) -> int | None:
        """Without counting: the seconds to wait if `limit` hits are already counted in the window, else None.
        (A budget of failures: checked before an attempt, hit only when it fails.)"""
        ...


class WrongCodeLog(Protocol):
    """Wrong codes per key, forgotten a day after the last one (the login failures' store)."""

    async def get(self, key: str) -> LoginFailures | None: ...

    async def record(self, key: str, at: datetime) -> LoginFailures: ...
