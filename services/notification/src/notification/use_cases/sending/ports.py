"""The ports of sending: rendering, the SMTP sender and the rate limits."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from contracts.notification import EmailContent
from notification.domain.rate_budget import Budget


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class StoredCopy:
    """What the message history keeps of an e-mail: its subject and text, secrets masked."""

    subject: str
    text: str


@dataclass(frozen=True)
class Delivery:
    """What the SMTP server said. `permanent` failures (5xx) are not worth retrying."""

    accepted: bool
    reply: str
    permanent: bool = False


class EmailRenderer(Protocol):
    def render(self, content: EmailContent, masked: bool = False) -> RenderedEmail: ...

    def render_with_copy(self, content: EmailContent) -> tuple[RenderedEmail, StoredCopy]:
        """The e-mail to send and its masked copy: the same as `render` twice, for less."""
        ...


class MailSender(Protocol):
    async def send(self, email_id: str, to: str, rendered: RenderedEmail) -> Delivery: ...


@dataclass(frozen=True)
class Admission:
    """A rate limiter's answer; when refused, the rule in words and how long until the window has room."""

    admitted: bool
    rule: str = ""
    retry_after: timedelta = timedelta(0)


class RateLimiter(Protocol):
    """Against mail floods: how many e-mails one budget (an address or a requester, for one family of
    e-mails) may take in a sliding window."""

    async def take(self, budget: Budget, email_id: str, now: datetime) -> Admission:
        """Count this e-mail in `budget` and admit it, or refuse it (counting nothing) if over.

        The same e-mail asking again is admitted without being counted twice."""
        ...
