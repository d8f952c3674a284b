"""Saving an aggregate document together with its outbox, version-checked, in one write."""

from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from efp_runtime.outbox import OUTBOX_FIELD, OutboxMessage, OutboxRelay, pending_messages


class StaleAggregate(Exception):
    """Someone saved the aggregate since it was read: reload and decide again."""


class AggregateStore:
    """One collection of aggregates: insert and version-checked update, each with its messages."""

    def __init__(self, collection: AsyncCollection[dict[str, Any]], relay: OutboxRelay | None) -> None:
        self.collection = collection
        self._relay = relay

    async def insert(self, doc_id: Any, fields: dict[str, Any], messages: list[OutboxMessage]) -> None:
        """Raises pymongo's DuplicateKeyError on a unique index clash."""
        present = {name: value for name, value in fields.items() if value is not _UNSET}
        await self.collection.insert_one(
            {**present, "_id": doc_id, "version": 1, OUTBOX_FIELD: pending_messages(messages)}
        )
        self._kick(doc_id, messages)

    async def update(self, doc_id: Any, version: int, fields: dict[str, Any], messages: list[OutboxMessage]) -> None:
        """Save over `version`; raises StaleAggregate if the stored version moved on."""
        update: dict[str, Any] = {"$set": fields, "$inc": {"version": 1}}
        if messages:
            update["$push"] = {OUTBOX_FIELD: {"$each": pending_messages(messages)}}
        unset = {name: "" for name, value in fields.items() if value is _UNSET}
        if unset:
            update["$set"] = {k: v for k, v in fields.items() if v is not _UNSET}
            update["$unset"] = unset
        result = await self.collection.update_one({"_id": doc_id, "version": version}, update)
        if result.matched_count != 1:
            raise StaleAggregate(doc_id)
        self._kick(doc_id, messages)

    async def find_one(self, query: dict[str, Any]) -> dict[str, Any] | None:
        return await self.collection.find_one(query, {OUTBOX_FIELD: 0})

    async def find(self, query: dict[str, Any], sort: list[tuple[str, int]] | None = None) -> list[dict[str, Any]]:
        cursor = self.collection.find(query, {OUTBOX_FIELD: 0})
        if sort:
            cursor = cursor.sort(sort)
        return [doc async for doc in cursor]

    def _kick(self, doc_id: Any, messages: list[OutboxMessage]) -> None:
        if messages and self._relay is not None:
            self._relay.kick(self.collection.name, doc_id)


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


# A field value meaning "remove this field" (e.g. a key that must leave a unique index).
_UNSET: Any = _Unset()
UNSET: Any = _UNSET
