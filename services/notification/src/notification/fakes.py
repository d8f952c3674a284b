"""In-memory fakes of the notification ports (e-mail store, SMTP sender, limiter, held commands), for unit
tests and the wiring test: `in_memory_adapters()` gives use cases that touch no server."""

import copy
from collections.abc import Collection
from datetime import UTC, datetime, timedelta

from efp_runtime.clock import ManualClock
from notification.adapters.jinja_email_renderer import JinjaEmailRenderer
from notification.composition import Adapters
from notification.domain.email import ERASED_TEXT, Email, EmailState
from notification.domain.rate_budget import Budget, Scope
from notification.domain.retry_policy import RetryPolicy
from notification.use_cases.abandoned.ports import HeldCommand
from notification.use_cases.privacy.ports import Person
from notification.use_cases.sending.ports import Admission, Delivery, RenderedEmail

T0 = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
# The retry policy and sending lease the unit tests of sending use.
POLICY = RetryPolicy(max_attempts=3, base_seconds=60, factor=2, jitter=0.2)
LEASE = timedelta(minutes=2)


class FakeClock(ManualClock):
    def __init__(self, now: datetime = T0) -> None:
        super().__init__(now)


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
        # As the store's final write does: marked meanwhile (its account deleted), saved erased once done.
        if stored.erase_when_done and email.done and email.erased_at is None:
            email.erase_when_done = True
            email.erase(email.history[-1].at)
        email.version += 1
        self.emails[email.id] = copy.deepcopy(email)
        return True

    async def list_for_account(self, account_id: str, limit: int, before: Email | None) -> list[Email]:
        mine = [e for e in self.emails.values() if e.account_id == account_id]
        if before is not None:
            mine = [e for e in mine if (e.created_at, e.id) < (before.created_at, before.id)]
        return copy.deepcopy(sorted(mine, key=lambda e: (e.created_at, e.id), reverse=True)[:limit])

    async def count_for_account(self, account_id: str) -> int:
        return sum(1 for e in self.emails.values() if e.account_id == account_id)

    async def count_for_organisation(self, siren: str) -> int:
        return sum(1 for e in self.emails.values() if e.siren == siren)

    async def list_for_organisation(self, siren: str, limit: int, before: Email | None) -> list[Email]:
        theirs = [e for e in self.emails.values() if e.siren == siren]
        if before is not None:
            theirs = [e for e in theirs if (e.created_at, e.id) < (before.created_at, before.id)]
        return copy.deepcopy(sorted(theirs, key=lambda e: (e.created_at, e.id), reverse=True)[:limit])

    async def list_abandoned(self, limit: int) -> list[Email]:
        abandoned = [e for e in self.emails.values() if e.state is EmailState.ABANDONED]
        return copy.deepcopy(sorted(abandoned, key=lambda e: (e.created_at, e.id), reverse=True)[:limit])


class FakeEmailErasure:
    """Erasure and retention on a fake repository's e-mails, writing no version (as the real one)."""

    def __init__(self, repository: FakeEmailRepository, limiter: "FakeRateLimiter | None" = None) -> None:
        self.repository = repository
        self.limiter = limiter

    def _of(self, person: Person) -> list[Email]:
        return [
            e
            for e in self.repository.emails.values()
            if e.account_id == person.account_id or person.account_id in e.mentions or e.to in person.addresses
        ]

    async def mark_erase_when_done(self, person: Person) -> int:
        marked = [e for e in self._of(person) if not e.done and not e.erase_when_done]
        for email in marked:
            email.erase_when_done = True
        return len(marked)

    async def erase_done(self, person: Person, now: datetime) -> int:
        due = [e for e in self._of(person) if e.done and e.erased_at is None]
        for email in due:
            email.erase(now)
            email.version += 1
        return len(due)

    async def forget_budgets(self, keys: Collection[str]) -> int:
        if self.limiter is None:
            return 0
        return sum(self.limiter.taken.pop(key, None) is not None for key in keys)

    async def erase_bodies(self, created_before: datetime, limit: int) -> int:
        due = [e for e in self.repository.emails.values() if e.done and e.masked_text and e.created_at < created_before]
        for email in due[:limit]:
            email.masked_text = ERASED_TEXT
        return len(due[:limit])

    async def delete(self, created_before: datetime, limit: int) -> int:
        due = [e.id for e in self.repository.emails.values() if e.done and e.created_at < created_before][:limit]
        for email_id in due:
            del self.repository.emails[email_id]
        return len(due)


class FakeRateLimiter:
    """The sliding windows of the real one, in memory: only e-mails let through count (0: no limit)."""

    def __init__(self, max_emails: int, window: timedelta = timedelta(hours=1), per_requester: int = 0) -> None:
        self.limits = {Scope.RECIPIENT: max_emails, Scope.REQUESTER: per_requester}
        self.window = window
        self.taken: dict[str, list[tuple[datetime, str]]] = {}

    async def take(self, budget: Budget, email_id: str, now: datetime) -> Admission:
        limit = self.limits[budget.scope]
        recent = [(at, taken_by) for at, taken_by in self.taken.get(budget.key, []) if at >= now - self.window]
        if not limit or email_id in {taken_by for _, taken_by in recent}:
            return Admission(True)
        if len(recent) >= limit:
            rule = f"at most {limit} {budget.family} per {budget.scope.value} per {int(self.window.total_seconds())} s"
            return Admission(False, rule, recent[0][0] + self.window - now)
        self.taken[budget.key] = [*recent, (now, email_id)]
        return Admission(True)


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


def held(message_id: str, body: bytes = b"{}", reason: str | None = "rejected") -> HeldCommand:
    return HeldCommand(message_id, "notification.email.send.v1", body, {}, reason, "notification.commands", T0)


class FakeHeldCommands:
    """A queue of set-aside commands; `requeued` lists what was sent back, in order."""

    def __init__(self, *commands: HeldCommand) -> None:
        self.commands = list(commands)
        self.requeued: list[str] = []

    async def peek(self, limit: int) -> list[HeldCommand]:
        return self.commands[:limit]

    async def requeue(self, message_ids: Collection[str] | None) -> list[str]:
        chosen = [c for c in self.commands if message_ids is None or c.message_id in message_ids]
        self.commands = [c for c in self.commands if c not in chosen]
        ids = list(dict.fromkeys(c.message_id for c in chosen))
        self.requeued += ids
        return ids


def in_memory_adapters(sender: FakeMailSender | None = None, rate_limiter: FakeRateLimiter | None = None) -> Adapters:
    """The real renderer (templates ship with the code) and in-memory everything else."""
    emails = FakeEmailRepository()
    limiter = rate_limiter or FakeRateLimiter(0)
    erasure = FakeEmailErasure(emails, limiter)
    return Adapters(
        emails=emails,
        erasure=erasure,
        retention=erasure,
        renderer=JinjaEmailRenderer(),
        sender=sender or FakeMailSender(),
        rate_limiter=limiter,
    )
