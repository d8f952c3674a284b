"""Fixed-window counters in MongoDB, shared by every replica; TTL-deleted after their window."""

from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from efp_runtime.mongo import IndexSpec, upserted

COLLECTION = "rate_limits"
INDEXES = [IndexSpec(COLLECTION, [("expires_at", 1)], expire_after_seconds=0)]


class MongoRateLimiter:
    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self._collection = collection

    async def hit(self, key: str, limit: int, window: timedelta) -> int | None:
        now, start, window_end = _window(window)
        doc = await upserted(
            self._collection, f"{key}|{start}", {"$inc": {"count": 1}, "$setOnInsert": {"expires_at": window_end}}
        )
        if doc["count"] <= limit:
            return None
        return max(1, int((window_end - now).total_seconds()) + 1)

    async def exhausted(self, key: str, limit: int, window: timedelta) -> int | None:
        now, start, window_end = _window(window)
        doc = await self._collection.find_one({"_id": f"{key}|{start}"})
        if doc is None or doc["count"] < limit:
            return None
        return max(1, int((window_end - now).total_seconds()) + 1)


def _window(window: timedelta) -> tuple[datetime, int, datetime]:
    """Now, the start of its fixed window (epoch seconds) and the window's end."""
    now = datetime.now(UTC)
    seconds = int(window.total_seconds())
    start = int(now.timestamp()) // seconds * seconds
    return now, start, datetime.fromtimestamp(start + seconds, UTC)
