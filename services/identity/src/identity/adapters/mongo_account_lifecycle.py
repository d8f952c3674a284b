"""The accounts' lifecycle fields in MongoDB, beside the aggregate's (which never writes them):

    last_login_at            the last login (written at most daily, domain.privacy); absent: use created_at
    inactivity_warned_at     the pending inactivity warning; a login removes it
    inactivity_rewarn_at     a blocked deletion's snooze: no new warning before it
    state: "deleted", deleted_at, reason, erased, erase_email   the tombstone (erase_email until erased)

A tombstone keeps `_id`, `version` and the outbox (its last messages); every other field is removed.
"""

from datetime import datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from efp_runtime.mongo import IndexSpec
from efp_runtime.outbox import OUTBOX_FIELD, OutboxMessage, OutboxRelay, pending_messages
from identity.adapters.mongo_account_repository import COLLECTION
from identity.domain.account import Account
from identity.domain.errors import Conflict
from identity.domain.privacy import DELETED, InactiveAccount, Reason, Tombstone

INDEXES = [
    IndexSpec(COLLECTION, [("last_login_at", 1)]),
    IndexSpec(COLLECTION, [("created_at", 1)]),
    IndexSpec(COLLECTION, [("inactivity_warned_at", 1)], sparse=True),
    IndexSpec(COLLECTION, [("erased", 1)], sparse=True),
]
_KEPT = {"_id", "version", OUTBOX_FIELD}
_WITHDRAWN = {"inactivity_warned_at": "", "inactivity_rewarn_at": ""}


class MongoAccountLifecycle:
    def __init__(self, collection: AsyncCollection[dict[str, Any]], relay: OutboxRelay | None) -> None:
        self._collection = collection
        self._relay = relay

    async def record_login(self, account_id: str, at: datetime) -> None:
        await self._collection.update_one(
            {"_id": account_id, "state": {"$ne": DELETED}}, {"$set": {"last_login_at": at}, "$unset": _WITHDRAWN}
        )

    async def tombstone(
        self,
        account: Account,
        deleted_at: datetime,
        reason: Reason,
        messages: list[OutboxMessage],
        warned_at: datetime | None = None,
    ) -> None:
        doc = await self._collection.find_one({"_id": account.id}, {OUTBOX_FIELD: 0})
        if doc is None or doc.get("state") == DELETED:
            raise Conflict()
        query: dict[str, Any] = {"_id": account.id, "version": account.version}
        if warned_at is not None:
            query["inactivity_warned_at"] = warned_at  # no login since the warning
        tombstone = {"state": DELETED, "deleted_at": deleted_at, "reason": reason, "erased": False}
        update: dict[str, Any] = {
            "$set": {**tombstone, "erase_email": account.email},
            "$inc": {"version": 1},
            "$push": {OUTBOX_FIELD: {"$each": pending_messages(messages)}},
        }
        removed = {name: "" for name in doc if name not in _KEPT and name not in tombstone}
        if removed:
            update["$unset"] = removed
        result = await self._collection.update_one(query, update)
        if result.matched_count != 1:
            raise Conflict()
        if self._relay is not None:
            self._relay.kick(COLLECTION, account.id, messages)

    async def mark_erased(self, account_id: str) -> None:
        await self._collection.update_one(
            {"_id": account_id, "state": DELETED}, {"$set": {"erased": True}, "$unset": {"erase_email": ""}}
        )

    async def unerased(self, limit: int) -> list[Tombstone]:
        cursor = self._collection.find({"erased": False}, {"erase_email": 1}).limit(limit)
        return [Tombstone(doc["_id"], doc.get("erase_email") or "") async for doc in cursor]

    async def to_warn(self, inactive_before: datetime, now: datetime, limit: int) -> list[InactiveAccount]:
        found: list[InactiveAccount] = []
        # Two indexed ranges: the accounts that logged in long ago, those created long ago and never since.
        for query in (
            {"last_login_at": {"$lt": inactive_before}},
            {"last_login_at": None, "created_at": {"$lt": inactive_before}},
        ):
            cursor = self._collection.find(
                {
                    **query,
                    "inactivity_warned_at": None,
                    "state": {"$ne": DELETED},
                    # Snoozed (a blocked deletion): not before its date.
                    "$or": [{"inactivity_rewarn_at": None}, {"inactivity_rewarn_at": {"$lte": now}}],
                },
                {"email": 1, "last_login_at": 1},
            ).limit(limit - len(found))
            found += [InactiveAccount(doc["_id"], doc["email"], doc.get("last_login_at")) async for doc in cursor]
            if len(found) >= limit:
                break
        return found

    async def warned(
        self, account_id: str, at: datetime, last_login_at: datetime | None, messages: list[OutboxMessage]
    ) -> bool:
        result = await self._collection.update_one(
            {"_id": account_id, "last_login_at": last_login_at, "inactivity_warned_at": None},
            {
                "$set": {"inactivity_warned_at": at},
                "$unset": {"inactivity_rewarn_at": ""},
                "$push": {OUTBOX_FIELD: {"$each": pending_messages(messages)}},
            },
        )
        if result.modified_count != 1:
            return False
        if self._relay is not None and messages:
            self._relay.kick(COLLECTION, account_id, messages)
        return True

    async def due_for_deletion(self, warned_before: datetime, limit: int) -> list[str]:
        cursor = self._collection.find({"inactivity_warned_at": {"$lte": warned_before}}, {"_id": 1}).limit(limit)
        return [doc["_id"] async for doc in cursor]

    async def snooze(self, account_id: str, until: datetime) -> None:
        await self._collection.update_one(
            {"_id": account_id}, {"$set": {"inactivity_rewarn_at": until}, "$unset": {"inactivity_warned_at": ""}}
        )
