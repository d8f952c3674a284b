"""The port every notification feature shares: the store of the Email aggregate."""

from typing import Protocol

from notification.domain.email import Email


class EmailRepository(Protocol):
    async def add(self, email: Email) -> bool:
        """Store a new e-mail; False if one with this id exists already."""
        ...

    async def get(self, email_id: str) -> Email | None: ...

    async def update(self, email: Email) -> bool:
        """Save if unchanged since read (version check); False if someone else saved first."""
        ...

    async def list_for_account(self, account_id: str, limit: int, before: Email | None) -> list[Email]:
        """Newest first; only those created before `before` (ties broken by id) when given."""
        ...

    async def list_for_organisation(self, siren: str, limit: int, before: Email | None) -> list[Email]:
        """Same, for the e-mails sent about an organisation."""
        ...

    async def count_for_account(self, account_id: str) -> int:
        """How many e-mails `list_for_account` lists, every page together."""
        ...

    async def count_for_organisation(self, siren: str) -> int: ...

    async def list_abandoned(self, limit: int) -> list[Email]:
        """Newest first."""
        ...
