"""The active habilitations, page by page in id order: the snapshot the gateway's copy starts from."""

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


class ListActiveHabilitations:
    def __init__(self, active: ActiveHabilitations) -> None:
        self._active = active

    async def __call__(self, after_id: str | None, limit: int) -> ActiveHabilitationsV1:
        # Those past their end date but not swept yet come too: the copy refuses them by date, as `allows` does.
        page = await self._active.page(after_id, limit)
        return ActiveHabilitationsV1(
            habilitations=[
                ActiveHabilitationV1(
                    id=h.id, account_id=h.account_id, service=h.service, role=h.role, siret=h.siret, end_date=h.end_date
                )
                for h in page
            ],
            next_after_id=page[-1].id if len(page) == limit else None,
        )
