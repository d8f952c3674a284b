"""An in-memory registration store keeping what the Mongo adapter persists, and a registration builder."""

import copy
from dataclasses import replace
from datetime import datetime

from efp_runtime.outbox import OutboxMessage
from identity.domain.errors import Conflict
from identity.domain.registration import OPEN_STEPS, Registration, Step
from identity.fakes.clock import T0


class FakeRegistrationRepository:
    """Keeps what the Mongo adapter persists (no domain events) plus each save's outbox."""

    def __init__(self) -> None:
        self.registrations: dict[str, Registration] = {}
        self.outbox: list[OutboxMessage] = []
        self.gets = 0
        self.idle_queries: list[tuple[datetime, int]] = []

    async def add(self, registration: Registration, messages: list[OutboxMessage]) -> None:
        registration.version = 1
        self.registrations[registration.id] = _persisted(registration)
        self.outbox.extend(messages)

    async def get(self, registration_id: str) -> Registration | None:
        self.gets += 1
        stored = self.registrations.get(registration_id)
        return copy.deepcopy(stored) if stored else None

    async def idle_since(self, before: datetime, limit: int) -> list[Registration]:
        self.idle_queries.append((before, limit))
        found = [r for r in self.registrations.values() if r.state in OPEN_STEPS and r.last_activity_at < before]
        return [copy.deepcopy(r) for r in sorted(found, key=lambda r: r.last_activity_at)][:limit]

    async def update(self, registration: Registration, messages: list[OutboxMessage]) -> None:
        stored = self.registrations.get(registration.id)
        if stored is None or stored.version != registration.version:
            raise Conflict()
        registration.version += 1
        self.registrations[registration.id] = _persisted(registration)
        self.outbox.extend(messages)


def _persisted(registration: Registration) -> Registration:
    return replace(copy.deepcopy(registration), events=[])


def registration_in(
    state: Step, *, code_hash: str = "good-hash", code_sent_at: datetime | None = None, decoy: bool = False
) -> Registration:
    """A registration of ada@example.fr, started at T0, standing at `state` (a domain test's starting point)."""
    registration = Registration.start("r-1", "ada@example.fr", "111111", code_hash, T0, decoy=decoy)
    registration.events.clear()
    registration.state, registration.code_sent_at = state, code_sent_at
    return registration
