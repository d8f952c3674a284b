"""The active habilitations in MongoDB, page by page in id order, with only what a check needs."""

from datetime import date
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from habilitation.domain.habilitation import HabilitationState
from habilitation.use_cases.list_active_habilitations import ActiveHabilitation

_FIELDS = {name: 1 for name in ("account_id", "service", "role", "siret", "end_date")}


class MongoActiveHabilitations:
    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self._collection = collection

    async def page(self, after_id: str | None, limit: int) -> list[ActiveHabilitation]:
        # A range of the `_id` index per page, never a skip. The hint: SecantusDB would otherwise scan and
        # sort the collection for each page (3x slower at 20,000). The projection leaves history and outbox.
        query: dict[str, Any] = {"state": HabilitationState.ACTIVE.value}
        if after_id is not None:
            query["_id"] = {"$gt": after_id}
        cursor = self._collection.find(query, _FIELDS).sort("_id", 1).hint([("_id", 1)]).limit(limit)
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
