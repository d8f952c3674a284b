"""A page of an organisation's records, newest first, with a keyset cursor on (created_at, _id) and a count."""

from datetime import datetime
from typing import Any

from pymongo import DESCENDING
from pymongo.asynchronous.collection import AsyncCollection

from efp_runtime.outbox import OUTBOX_FIELD
from habilitation.domain.errors import InvalidInput
from habilitation.use_cases.paging import BAD_CURSOR

SORT = [("created_at", DESCENDING), ("_id", DESCENDING)]


async def newest_first(
    collection: AsyncCollection[dict[str, Any]],
    where: dict[str, Any],
    after: tuple[str, ...] | None,
    limit: int | None,
) -> tuple[list[dict[str, Any]], tuple[str, ...] | None, int]:
    """The documents of one page, the key to continue after it (None on the last page), and the total."""
    total = await collection.count_documents(where)
    if after is not None:
        where = {"$and": [where, _before(after)]}
    cursor = collection.find(where, {OUTBOX_FIELD: 0}).sort(SORT)
    if limit is not None:
        cursor = cursor.limit(limit + 1)  # one more tells whether a next page exists
    docs = [doc async for doc in cursor]
    if limit is None or len(docs) <= limit:
        return docs, None, total
    shown = docs[:limit]
    last = shown[-1]
    return shown, (last["created_at"].isoformat(), str(last["_id"])), total


def _before(key: tuple[str, ...]) -> dict[str, Any]:
    created, record_id = key
    try:
        at = datetime.fromisoformat(created)
    except ValueError as exc:
        raise InvalidInput(BAD_CURSOR, field="cursor") from exc
    return {"$or": [{"created_at": {"$lt": at}}, {"created_at": at, "_id": {"$lt": record_id}}]}
