"""Hand-written fakes of the notification ports: clock, e-mail store and SMTP sender."""

import copy
from datetime import UTC, datetime, timedelta

from notification.domain.email import Email
from notification.use_cases.ports import Delivery, RenderedEmail

T0 = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


class FakeEmailRepository:
    """E-mails by id, copied in and out as a database would, with the version check."""

    def __init__(self) -> None:
        self.emails: dict[str, Email] = {}

    async def add(self, email: Email) -> bool:
        if email.id in self.emails:
            return False
        email.version = 1
        self.emails[email.id] = copy.deepcopy(email)
        return True

    async def get(self, email_id: str) -> Email | None:
        stored = self.emails.get(email_id)
        return copy.deepcopy(stored) if stored else None

    async def update(self, email: Email) -> bool:
        stored = self.emails.get(email.id)
        if stored is None or stored.version != email.version:
            return False
        email.version += 1
        self.emails[email.id] = copy.deepcopy(email)
        return True


class FakeMailSender:
    """Answers each send with the next scripted delivery (accepted when the script is empty)."""

    def __init__(self, *deliveries: Delivery) -> None:
        self.deliveries = list(deliveries)
        self.sent: list[tuple[str, str, RenderedEmail]] = []

    async def send(self, email_id: str, to: str, rendered: RenderedEmail) -> Delivery:
        self.sent.append((email_id, to, rendered))
        if self.deliveries:
            return self.deliveries.pop(0)
        return Delivery(accepted=True, reply="250 2.0.0 Ok: queued")
