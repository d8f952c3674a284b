"""The active habilitations in MongoDB, page by page in id order, with only what a check needs (all, or one SIRET's)."""

from datetime import date
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from habilitation.adapters.id_windows import WindowSizer, read_page
from habilitation.domain.habilitation import HabilitationState
from habilitation.use_cases.habilitations.ports import ActiveHabilitation

SIREN_LENGTH = 9
_FIELDS = {name: 1 for name in ("account_id", "service", "role", "siret", "end_date")}


class MongoActiveHabilitations:
    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self._collection = collection
        self._windows: WindowSizer | None = None

    async def page(self, after_id: str | None, limit: int) -> list[ActiveHabilitation]:
        # Windows of the `{state, _id}` index bounded at both ends until `limit` (id_windows says why),
        # never an `_id` hint: SecantusDB then decodes and sorts the whole collection for each page.
        # The projection leaves history and outbox.
        return await read_page(await self._sizer(), after_id, limit, self._active_within, lambda h: h.id)

    async def _active_within(self, bounds: dict[str, str], limit: int) -> list[ActiveHabilitation]:
        query: dict[str, Any] = {"state": HabilitationState.ACTIVE.value}
        if bounds:
            query["_id"] = bounds
        return await self._read(query, limit)

    async def page_of_establishment(self, siret: str, after_id: str | None, limit: int) -> list[ActiveHabilitation]:
        # The organisation's active habilitations through the `{siren, state, account_id}` index (a SIRET
        # begins with its SIREN), the establishment and the page picked here: an equality on that prefix
        # is what SecantusDB plans on the index (with `siret` or `_id` in the filter it scans, by explain),
        # and not hinted, for a hinted index is walked whole: every organisation's entries.
        query = {"siren": siret[:SIREN_LENGTH], "state": HabilitationState.ACTIVE.value}
        held = await self._read(query, 0)
        return [h for h in held if h.siret == siret and (after_id is None or h.id > after_id)][:limit]

    async def _sizer(self) -> WindowSizer:
        # Counted once per process (a count walks the collection): each window corrects the density.
        if self._windows is None:
            self._windows = WindowSizer(await self._collection.estimated_document_count())
        return self._windows

    async def _read(self, query: dict[str, Any], limit: int) -> list[ActiveHabilitation]:
        """In `_id` order, at most `limit` (0: all)."""
        cursor = self._collection.find(query, _FIELDS).sort("_id", 1).limit(limit)
        return [
            ActiveHabilitation(
                id=doc["_id"],
                account_id=doc["account_id"],
                service=doc["service"],
                role=doc["role"],
                siret=doc["siret"],
                end_date=date.fromisoformat(doc["end_date"]) if doc["end_date"] else None,
            )
            async for doc in cursor
        ]
