"""The active habilitations, page by page in id order: the snapshot the gateway's copy starts from,
or that of one establishment for a system that starts following the habilitation events."""

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from contracts.authorizations import ActiveHabilitationsV1, ActiveHabilitationV1


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


class ListActiveHabilitations:
    def __init__(self, active: ActiveHabilitations) -> None:
        self._active = active

    async def __call__(self, after_id: str | None, limit: int, siret: str | None = None) -> ActiveHabilitationsV1:
        # Those past their end date but not swept yet come too: the copy refuses them by date, as `allows` does.
        if siret is None:
            page = await self._active.page(after_id, limit)
        else:
            page = await self._active.page_of_establishment(siret, after_id, limit)
        return ActiveHabilitationsV1(
            habilitations=[
                ActiveHabilitationV1(
                    id=h.id, account_id=h.account_id, service=h.service, role=h.role, siret=h.siret, end_date=h.end_date
                )
                for h in page
            ],
            next_after_id=page[-1].id if len(page) == limit else None,
        )
