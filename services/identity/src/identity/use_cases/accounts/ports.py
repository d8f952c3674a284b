"""The ports of the accounts: where they are kept, how their passwords are hashed."""

from datetime import datetime
from typing import Protocol

from efp_runtime.outbox import OutboxMessage
from identity.domain.account import Account


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

    async def forget_expired_email_changes(self, now: datetime) -> int:
        """Remove every pending change of address whose code expired by `now`; how many."""
        ...
