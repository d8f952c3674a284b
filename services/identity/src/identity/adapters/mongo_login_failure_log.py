"""Consecutive login failures per address, for the progressive delay; forgotten after a day."""

from datetime import datetime, timedelta
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from efp_runtime.mongo import IndexSpec, upserted
from identity.domain.login_throttle import LoginFailures

COLLECTION = "login_failures"
INDEXES = [IndexSpec(COLLECTION, [("forget_at", 1)], expire_after_seconds=0)]
MEMORY = timedelta(days=1)


class MongoLoginFailureLog:
    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self._collection = collection

    async def get(self, email: str) -> LoginFailures | None:
        doc = await self._collection.find_one({"_id": email})
        return LoginFailures(doc["count"], doc["last_failure_at"]) if doc else None

    async def record(self, email: str, at: datetime) -> LoginFailures:
        doc = await upserted(
            self._collection, email, {"$inc": {"count": 1}, "$set": {"last_failure_at": at, "forget_at": at + MEMORY}}
        )
        return LoginFailures(doc["count"], doc["last_failure_at"])

    async def clear(self, email: str) -> None:
        await self._collection.delete_one({"_id": email})
