"""The ports of the notification use cases."""

from dataclasses import dataclass
from typing import Protocol

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
