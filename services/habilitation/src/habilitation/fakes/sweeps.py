"""In-memory sweeps and snapshot pages: the habilitations' warnings, the invitations' expiry, the active ones."""

from datetime import date, datetime
from typing import Any

from efp_runtime.outbox import OutboxMessage
from habilitation.domain.habilitation import HabilitationState
from habilitation.fakes.stores import FakeHabilitations
from habilitation.use_cases.habilitations.ports import ActiveHabilitation, EndingHabilitation


class FakeHabilitationSweep:
    """Answers from the habilitation fake's items; the warning record keeps its guard (state, version, once)."""

    def __init__(self, habilitations: FakeHabilitations) -> None:
        self._habilitations = habilitations
        self.warned: dict[str, datetime] = {}
        self.outbox: list[OutboxMessage] = []

    async def reached_end(self, today: date, limit: int) -> list[str]:
        due = [h for h in self._active() if h.end_date is not None and h.end_date <= today]
        return [h.id for h in sorted(due, key=lambda h: h.end_date or today)][:limit]

    async def ending_unwarned(self, today: date, until: date, limit: int) -> list[EndingHabilitation]:
        return [
            EndingHabilitation(h.id, h.version, h.account_id, h.service, h.role, h.siret, h.siren, h.end_date)
            for h in self._active()
            if h.end_date is not None and today < h.end_date <= until and h.id not in self.warned
        ][:limit]

    async def record_warning(
        self, habilitation: EndingHabilitation, now: datetime, messages: list[OutboxMessage]
    ) -> bool:
        stored = self._habilitations.items.get(habilitation.id)
        if stored is None or stored.version != habilitation.version or stored.state is not HabilitationState.ACTIVE:
            return False
        if habilitation.id in self.warned:
            return False
        self.warned[habilitation.id] = now
        stored.version += 1
        self.outbox.extend(messages)
        return True

    def _active(self) -> list[Any]:
        return [h for h in self._habilitations.all() if h.state is HabilitationState.ACTIVE]


class FakeInvitationSweep:
    """Records each pass and answers how many it expired."""

    def __init__(self, expired: int = 0) -> None:
        self.expired = expired
        self.calls: list[tuple[datetime, OutboxMessage]] = []

    async def expire_due(self, now: datetime, event: OutboxMessage) -> int:
        self.calls.append((now, event))
        return self.expired


class FakeActiveHabilitations:
    """The snapshot pages, from the habilitation fake's active items (or a fixed list)."""

    def __init__(self, habilitations: FakeHabilitations, fixed: list[ActiveHabilitation] | None = None) -> None:
        self._habilitations = habilitations
        self.fixed = fixed

    def _all(self) -> list[ActiveHabilitation]:
        if self.fixed is not None:
            return self.fixed
        active = [h for h in self._habilitations.all() if h.state is HabilitationState.ACTIVE]
        return [ActiveHabilitation(h.id, h.account_id, h.service, h.role, h.siret, h.end_date) for h in active]

    async def page(self, after_id: str | None, limit: int) -> list[ActiveHabilitation]:
        return sorted((h for h in self._all() if after_id is None or h.id > after_id), key=lambda h: h.id)[:limit]

    async def page_of_establishment(self, siret: str, after_id: str | None, limit: int) -> list[ActiveHabilitation]:
        return [h for h in await self.page(after_id, len(self._all())) if h.siret == siret][:limit]
