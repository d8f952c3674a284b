"""The port of the habilitation sweeper's queries and its warning record; an adapter implements it."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from efp_runtime.outbox import OutboxMessage


@dataclass(frozen=True)
class EndingHabilitation:
    """An active habilitation whose end date is near, as the warning needs it."""

    id: str
    version: int
    account_id: str
    service: str
    role: str
    siret: str
    siren: str
    end_date: date


class HabilitationSweep(Protocol):
    async def reached_end(self, today: date, limit: int) -> list[str]:
        """Ids of active habilitations whose end date is `today` or before, earliest first."""
        ...

    async def ending_unwarned(self, today: date, until: date, limit: int) -> list[EndingHabilitation]:
        """Active habilitations ending after `today` and by `until`, whose holder was not warned yet."""
        ...

    async def record_warning(
        self, habilitation: EndingHabilitation, now: datetime, messages: list[OutboxMessage]
    ) -> bool:
        """Mark it warned, with its e-mails, if still active, unchanged and unwarned; False if not (e.g. another
        replica warned first), and then nothing is sent."""
        ...


@dataclass(frozen=True)
class ActiveHabilitation:
    id: str
    account_id: str
    service: str
    role: str
    siret: str
    end_date: date | None


class ActiveHabilitations(Protocol):
    async def page(self, after_id: str | None, limit: int) -> list[ActiveHabilitation]:
        """Active habilitations with an id greater than `after_id`, in id order, at most `limit`."""
        ...

    async def page_of_establishment(self, siret: str, after_id: str | None, limit: int) -> list[ActiveHabilitation]:
        """The same, on the establishment `siret` only."""
        ...
