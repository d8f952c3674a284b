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
        now = datetime.now(UTC)
        seconds = int(window.total_seconds())
        start = int(now.timestamp()) // seconds * seconds
        window_end = datetime.fromtimestamp(start + seconds, UTC)
        doc = await upserted(
            self._collection, f"{key}|{start}", {"$inc": {"count": 1}, "$setOnInsert": {"expires_at": window_end}}
        )
        if doc["count"] <= limit:
            return None
        return max(1, int((window_end - now).total_seconds()) + 1)
