"""Idempotent consumers: remember the ids of the messages already handled.

At-least-once delivery redelivers after a crash; a handler asks `seen()` first and calls
`remember()` once its effect is stored. A crash between the two re-runs the handler, which
is why use cases also guard their writes on the aggregate's state and version.
"""

import contextlib
from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from efp_runtime.mongo import IndexSpec

PROCESSED_MESSAGES = "processed_messages"
# Redeliveries come within minutes; a month is a wide margin and keeps the collection small.
RETENTION_SECONDS = 30 * 24 * 3600

INDEXES = [IndexSpec(PROCESSED_MESSAGES, [("processed_at", 1)], expire_after_seconds=RETENTION_SECONDS)]


class ProcessedMessages:
    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self._collection = collection

    async def seen(self, message_id: str) -> bool:
        return await self._collection.find_one({"_id": message_id}, {"_id": 1}) is not None

    async def remember(self, message_id: str, handler: str) -> None:
        # A concurrent redelivery may get there first: the id is remembered either way.
        with contextlib.suppress(DuplicateKeyError):
            await self._collection.insert_one(
                {"_id": message_id, "handler": handler, "processed_at": datetime.now(UTC)}
            )
