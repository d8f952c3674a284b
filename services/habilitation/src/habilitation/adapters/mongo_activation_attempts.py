"""Wrong activation codes counted in MongoDB per key and fixed window, shared by every replica; TTL-deleted."""

from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from efp_runtime.mongo import IndexSpec, upserted

COLLECTION = "activation_attempts"
INDEXES = [IndexSpec(COLLECTION, [("expires_at", 1)], expire_after_seconds=0)]


class MongoActivationAttempts:
    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self._collection = collection

    async def failures(self, key: str, window: timedelta, now: datetime) -> tuple[int, datetime]:
        doc_id, window_end = _window(key, window, now)
        doc = await self._collection.find_one({"_id": doc_id})
        return (doc["count"] if doc else 0), window_end

    async def record_failure(self, key: str, window: timedelta, now: datetime) -> int:
        doc_id, window_end = _window(key, window, now)
        doc = await upserted(
            self._collection, doc_id, {"$inc": {"count": 1}, "$setOnInsert": {"expires_at": window_end}}
        )
        count: int = doc["count"]
        return count


def _window(key: str, window: timedelta, now: datetime) -> tuple[str, datetime]:
    """The window's document id and end; windows are aligned on the epoch, so every replica agrees."""
    seconds = int(window.total_seconds())
    start = int(now.timestamp()) // seconds * seconds
    return f"{key}|{start}", datetime.fromtimestamp(start + seconds, UTC)
