"""The ports of the notification use cases."""

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from contracts.notification import EmailContent
from notification.domain.email import Email


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class Delivery:
    """What the SMTP server said. `permanent` failures (5xx) are not worth retrying."""

    accepted: bool
    reply: str
    permanent: bool = False


class EmailRenderer(Protocol):
    def render(self, content: EmailContent, masked: bool = False) -> RenderedEmail: ...


class MailSender(Protocol):
    async def send(self, email_id: str, to: str, rendered: RenderedEmail) -> Delivery: ...


class EmailRepository(Protocol):
    async def add(self, email: Email) -> bool:
        """Store a new e-mail; False if one with this id exists already."""
        ...

    async def get(self, email_id: str) -> Email | None: ...

    async def update(self, email: Email) -> bool:
        """Save if unchanged since read (version check); False if someone else saved first."""
        ...

    async def count_recent_to(self, to: str, since: datetime, excluding: str) -> int:
        """E-mails to this address created since `since`, but `excluding` and those the rate limit refused."""
        ...

    async def list_for_account(self, account_id: str, limit: int, before: Email | None) -> list[Email]:
        """Newest first; only those created before `before` (ties broken by id) when given."""
        ...

    async def list_abandoned(self, limit: int) -> list[Email]:
        """Newest first."""
        ...


@dataclass(frozen=True)
class HeldCommand:
    """A command kept on the broker (dead-lettered, or parked with its abandoned e-mail)."""

    message_id: str
    message_type: str | None
    body: bytes
    headers: Mapping[str, Any]
    # The latest death: why and from which queue the broker moved it (x-death).
    death_reason: str | None
    death_queue: str | None
    died_at: datetime | None


class HeldCommands(Protocol):
    """A queue of commands set aside; looking at them leaves them there."""

    async def peek(self, limit: int) -> list[HeldCommand]: ...

    async def requeue(self, message_ids: Collection[str] | None) -> list[str]:
        """Send back to delivery those with these ids (all when None); returns the ids sent."""
        ...
