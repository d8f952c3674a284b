"""The port of the password reset (the account's and sessions' ports are their features')."""

from typing import Protocol

from efp_runtime.outbox import OutboxMessage
from identity.domain.password_reset import PasswordReset


class PasswordResetRepository(Protocol):
    async def add(self, reset: PasswordReset, messages: list[OutboxMessage]) -> None: ...

    async def get(self, reset_id: str) -> PasswordReset | None: ...

    async def update(self, reset: PasswordReset, messages: list[OutboxMessage]) -> None: ...

    async def open_of(self, email: str) -> list[PasswordReset]:
        """The address's resets whose code or password step may still be used."""
        ...
