"""Sessions in MongoDB, keyed by the hash of their token; TTL-deleted a day after they end."""

from datetime import datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from efp_runtime.mongo import IndexSpec
from efp_runtime.outbox import OUTBOX_FIELD, OutboxMessage, OutboxRelay, pending_messages
from identity.domain.session import Session

COLLECTION = "sessions"
# Kept a day past their end for audit, then the TTL sweep deletes them.
INDEXES = [
    IndexSpec(COLLECTION, [("expires_at", 1)], expire_after_seconds=24 * 3600),
    IndexSpec(COLLECTION, [("account_id", 1), ("revoked_at", 1)]),
    IndexSpec(COLLECTION, [(f"{OUTBOX_FIELD}.message_id", 1)], sparse=True),
]


class MongoSessionRepository:
    def __init__(self, collection: AsyncCollection[dict[str, Any]], relay: OutboxRelay) -> None:
        self._collection = collection
        self._relay = relay

    async def add(self, session: Session, messages: list[OutboxMessage]) -> None:
        await self._collection.insert_one(
            {
                "_id": session.id,
                "account_id": session.account_id,
                "csrf_token": session.csrf_token,
                "created_at": session.created_at,
                "last_seen_at": session.last_seen_at,
                "expires_at": session.expires_at,
                "ip": session.ip,
                "revoked_at": None,
                OUTBOX_FIELD: pending_messages(messages),
            }
        )
        if messages:
            self._relay.kick(COLLECTION, session.id)

    async def get(self, session_id: str) -> Session | None:
        doc = await self._collection.find_one({"_id": session_id}, {OUTBOX_FIELD: 0})
        if doc is None:
            return None
        return Session(
            id=doc["_id"],
            account_id=doc["account_id"],
            csrf_token=doc["csrf_token"],
            created_at=doc["created_at"],
            last_seen_at=doc["last_seen_at"],
            ip=doc.get("ip"),
            revoked_at=doc.get("revoked_at"),
        )

    async def touch(self, session_id: str, at: datetime) -> None:
        await self._collection.update_one(
            {"_id": session_id, "last_seen_at": {"$lt": at}}, {"$set": {"last_seen_at": at}}
        )

    async def revoke(self, session_id: str, at: datetime) -> None:
        await self._collection.update_one({"_id": session_id, "revoked_at": None}, {"$set": {"revoked_at": at}})

    async def revoke_all(self, account_id: str, at: datetime) -> int:
        result = await self._collection.update_many(
            {"account_id": account_id, "revoked_at": None}, {"$set": {"revoked_at": at}}
        )
        return result.modified_count

    async def revoke_others(self, account_id: str, keep_session_id: str, at: datetime) -> int:
        result = await self._collection.update_many(
            {"account_id": account_id, "revoked_at": None, "_id": {"$ne": keep_session_id}},
            {"$set": {"revoked_at": at}},
        )
        return result.modified_count
