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


class RecipientRateLimiter(Protocol):
    """Against mail floods: how many e-mails one address may get in a while."""

    rule: str  # the limit in words, recorded on the e-mails it refuses

    async def take(self, to: str, email_id: str, now: datetime) -> bool:
        """Count this e-mail to `to` and return True, or return False (counting nothing) if over.

        The same e-mail asking again is let through without being counted twice."""
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
