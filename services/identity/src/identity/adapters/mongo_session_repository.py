"""Sessions in MongoDB, keyed by the hash of their token; TTL-deleted a day after they end.

A session also lists the relying parties that signed in through it and want a back-channel
logout (`logout_clients`); once it ends, they are told and removed from the list.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from pymongo import ReturnDocument
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
    IndexSpec(COLLECTION, [("logout_pending", 1)], sparse=True),
]


class MongoSessionRepository:
    def __init__(
        self,
        collection: AsyncCollection[dict[str, Any]],
        relay: OutboxRelay,
        on_revoked: Callable[[], None] = lambda: None,
    ) -> None:
        self._collection = collection
        self._relay = relay
        # Wakes the back-channel logout delivery at once instead of at its next poll.
        self._on_revoked = on_revoked

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
        self._on_revoked()

    async def revoke_all(self, account_id: str, at: datetime) -> int:
        result = await self._collection.update_many(
            {"account_id": account_id, "revoked_at": None}, {"$set": {"revoked_at": at}}
        )
        self._on_revoked()
        return result.modified_count

    async def revoke_others(self, account_id: str, keep_session_id: str, at: datetime) -> int:
        result = await self._collection.update_many(
            {"account_id": account_id, "revoked_at": None, "_id": {"$ne": keep_session_id}},
            {"$set": {"revoked_at": at}},
        )
        self._on_revoked()
        return result.modified_count

    # --- single sign-on: the relying parties to tell when the session ends ----------------------

    async def attach_client(self, session_id: str, client_id: str) -> None:
        await self._collection.update_one(
            {"_id": session_id}, {"$addToSet": {"logout_clients": client_id}, "$set": {"logout_pending": True}}
        )

    async def ended_with_clients(self, now: datetime, limit: int) -> list[tuple[str, str, list[str], int]]:
        cursor = self._collection.find(
            {"logout_pending": True, "revoked_at": {"$ne": None}},
            {"account_id": 1, "logout_clients": 1, "logout_attempts": 1, "logout_retry_at": 1},
        ).limit(limit)
        return [
            (doc["_id"], doc["account_id"], list(doc.get("logout_clients") or []), int(doc.get("logout_attempts") or 0))
            async for doc in cursor
            if doc.get("logout_retry_at") is None or doc["logout_retry_at"] <= now
        ]

    async def clients_told(self, session_id: str, client_ids: list[str], retry_at: datetime | None) -> None:
        change: dict[str, Any] = {
            "$pull": {"logout_clients": {"$in": client_ids}},
            "$set": {"logout_retry_at": retry_at},
        }
        if retry_at is not None:
            change["$inc"] = {"logout_attempts": 1}
        after = await self._collection.find_one_and_update(
            {"_id": session_id}, change, projection={"logout_clients": 1}, return_document=ReturnDocument.AFTER
        )
        if after is not None and not after.get("logout_clients"):
            await self._collection.update_one({"_id": session_id}, {"$unset": {"logout_pending": ""}})
