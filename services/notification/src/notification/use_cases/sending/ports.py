"""The ports of sending: rendering, the SMTP sender and the per-recipient limit."""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from contracts.notification import EmailContent


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


class RecipientRateLimiter(Protocol):
    """Against mail floods: how many e-mails one address may get in a while."""

    rule: str  # the limit in words, recorded on the e-mails it refuses

    async def take(self, to: str, email_id: str, now: datetime) -> bool:
        """Count this e-mail to `to` and return True, or return False (counting nothing) if over.

        The same e-mail asking again is let through without being counted twice."""
        ...
