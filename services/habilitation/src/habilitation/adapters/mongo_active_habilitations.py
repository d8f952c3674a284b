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
        return await self._read(query, None, limit)

    async def page_of_establishment(self, siret: str, after_id: str | None, limit: int) -> list[ActiveHabilitation]:
        # Through the `{siren, state, account_id}` index (a SIRET begins with its SIREN): an establishment's
        # few active habilitations, sorted in memory, instead of a walk of every active one in id order.
        query: dict[str, Any] = {"siren": siret[:SIREN_LENGTH], "siret": siret, "state": HabilitationState.ACTIVE.value}
        if after_id is not None:
            query["_id"] = {"$gt": after_id}
        return await self._read(query, [("siren", 1), ("state", 1), ("account_id", 1)], limit)

    async def _sizer(self) -> WindowSizer:
        # Counted once per process (a count walks the collection): each window corrects the density.
        if self._windows is None:
            self._windows = WindowSizer(await self._collection.estimated_document_count())
        return self._windows

    async def _read(
        self, query: dict[str, Any], hint: list[tuple[str, int]] | None, limit: int
    ) -> list[ActiveHabilitation]:
        cursor = self._collection.find(query, _FIELDS).sort("_id", 1).limit(limit)
        if hint is not None:
            cursor = cursor.hint(hint)
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
