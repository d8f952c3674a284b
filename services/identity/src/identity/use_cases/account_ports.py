"""Ports of the account, session and password-reset use cases (the registration ports are in ports.py)."""

from datetime import datetime, timedelta
from typing import Protocol

from efp_runtime.outbox import OutboxMessage
from identity.domain.account import Account
from identity.domain.login_throttle import LoginFailures
from identity.domain.password_reset import PasswordReset
from identity.domain.registration import Registration
from identity.domain.session import Session


class PasswordHasher(Protocol):
    """argon2id; slow on purpose, so the adapter runs it off the event loop."""

    async def hash(self, password: str) -> str: ...

    async def verify(self, password_hash: str, password: str) -> bool: ...

    def needs_rehash(self, password_hash: str) -> bool: ...

    async def waste_time(self) -> None:
        """Spend one verification's time: an unknown address answers as slowly as a known one."""
        ...


class AccountRepository(Protocol):
    async def add(self, account: Account, messages: list[OutboxMessage]) -> None:
        """Raises AccountExists if the address has an account already."""
        ...

    async def get(self, account_id: str) -> Account | None: ...

    async def by_email(self, email: str) -> Account | None: ...

    async def by_registration(self, registration_id: str) -> Account | None: ...

    async def update(self, account: Account, messages: list[OutboxMessage]) -> None: ...


class SessionRepository(Protocol):
    async def add(self, session: Session, messages: list[OutboxMessage]) -> None: ...

    async def get(self, session_id: str) -> Session | None: ...

    async def touch(self, session_id: str, at: datetime) -> None: ...

    async def revoke(self, session_id: str, at: datetime) -> None: ...

    async def revoke_all(self, account_id: str, at: datetime) -> int: ...

    async def revoke_others(self, account_id: str, keep_session_id: str, at: datetime) -> int:
        """Close every open session of the account but `keep_session_id`; how many were closed."""
        ...


class RateLimiter(Protocol):
    async def hit(self, key: str, limit: int, window: timedelta) -> int | None:
        """Count one attempt; the seconds to wait if over `limit` in the current window, else None."""
        ...


class LoginFailureLog(Protocol):
    async def get(self, email: str) -> LoginFailures | None: ...

    async def record(self, email: str, at: datetime) -> LoginFailures: ...

    async def clear(self, email: str) -> None: ...


class PasswordResetRepository(Protocol):
    async def add(self, reset: PasswordReset, messages: list[OutboxMessage]) -> None: ...

    async def get(self, reset_id: str) -> PasswordReset | None: ...

    async def update(self, reset: PasswordReset, messages: list[OutboxMessage]) -> None: ...


class IdleRegistrations(Protocol):
    async def idle_since(self, before: datetime, limit: int) -> list[Registration]:
        """Open registrations whose last activity is older than `before`, oldest first."""
        ...
