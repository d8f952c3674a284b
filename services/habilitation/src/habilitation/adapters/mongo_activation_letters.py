"""Rendered activation letters in MongoDB for a few minutes: TTL-deleted, and deleted by their one download.

The letter holds the plain code, so it is the only copy at rest, and only until
`expires_at` (the TTL monitor runs about every minute; reads also check the time).
"""

from datetime import datetime
from typing import Any

from bson import Binary
from pymongo.asynchronous.collection import AsyncCollection

from efp_runtime.mongo import IndexSpec

COLLECTION = "activation_letters"
INDEXES = [IndexSpec(COLLECTION, [("expires_at", 1)], expire_after_seconds=0)]


class MongoActivationLetters:
    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self._collection = collection

    async def keep(self, code_id: str, issued_by: str, pdf: bytes, until: datetime) -> None:
        await self._collection.insert_one(
            {"_id": code_id, "issued_by": issued_by, "pdf": Binary(pdf), "expires_at": until}
        )

    async def take(self, code_id: str, issued_by: str, now: datetime) -> bytes | None:
        # Find and delete in one step: two downloads at once cannot both get it.
        doc = await self._collection.find_one_and_delete(
            {"_id": code_id, "issued_by": issued_by, "expires_at": {"$gt": now}}
        )
        return bytes(doc["pdf"]) if doc else None
