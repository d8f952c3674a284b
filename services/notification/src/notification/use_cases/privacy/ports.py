"""The ports of a person's data kept in e-mails: erased at their account's deletion, aged out by retention."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class Person:
    """Whose e-mails: sent about the account, mentioning it, or to its address (before it existed)."""

    account_id: str
    # Every spelling the address may have been stored with.
    addresses: tuple[str, ...]


class EmailErasure(Protocol):
    async def mark_erase_when_done(self, person: Person) -> int:
        """Mark the person's e-mails not yet done (queued, sending, retrying) `erase_when_done`, without
        changing their version (a send in progress still saves its outcome, and the write of the final
        state erases them); how many were marked."""
        ...

    async def erase_done(self, person: Person, now: datetime) -> int:
        """Erase the body and address of the person's done e-mails not erased yet (`Email.erase`); how
        many were."""
        ...

    async def forget_budgets(self, keys: Collection[str]) -> int:
        """Delete these rate budgets (their keys name an address); how many there were."""
        ...


class EmailRetention(Protocol):
    async def erase_bodies(self, created_before: datetime, limit: int) -> int:
        """Erase the bodies (the address and metadata stay) of at most `limit` done e-mails created before
        that moment whose body is still kept; how many were erased."""
        ...

    async def delete(self, created_before: datetime, limit: int) -> int:
        """Delete at most `limit` done e-mails created before that moment; how many were deleted."""
        ...
