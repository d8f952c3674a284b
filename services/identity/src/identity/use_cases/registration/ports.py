"""The ports of the sign-up use cases."""

from datetime import datetime
from typing import Protocol

from efp_runtime.outbox import OutboxMessage
from identity.domain.registration import Registration


class RegistrationRepository(Protocol):
    async def add(self, registration: Registration, messages: list[OutboxMessage]) -> None: ...

    async def get(self, registration_id: str) -> Registration | None: ...

    async def update(self, registration: Registration, messages: list[OutboxMessage]) -> None:
        """Save if nobody saved it since it was read (version check), else raise Conflict."""
        ...


class IdleRegistrations(Protocol):
    async def idle_since(self, before: datetime, limit: int) -> list[Registration]:
        """Open registrations whose last activity is older than `before`, oldest first."""
        ...
