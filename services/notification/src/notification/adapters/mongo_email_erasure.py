"""A person's data erased from the e-mails kept (account deleted), and the e-mails aged out (retention)."""

from collections.abc import Collection
from datetime import datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from notification.adapters.mongo_email_repository import changed_fields, email_of
from notification.domain.email import ERASED_TEXT, FINAL_STATES
from notification.use_cases.privacy.ports import Person

DONE = {"$in": [state.value for state in FINAL_STATES]}
NOT_DONE = {"$nin": [state.value for state in FINAL_STATES]}
# Reads of the e-mails still to erase, when some changed between a read and its write.
ROUNDS = 5


def _of(person: Person) -> dict[str, Any]:
    # Each branch rides its own index: (account_id, created_at), mentions, to.
    return {
        "$or": [
            {"account_id": person.account_id},
            {"mentions": person.account_id},
            {"to": {"$in": list(person.addresses)}},
        ]
    }


class MongoEmailErasure:
    """The mark writes no version: a send in progress keeps its version check (its own final write then
    erases what was marked). The erasure of a done e-mail does (a stale copy, an operator's requeue read
    before it, is refused rather than writing the address back)."""

    def __init__(self, collection: AsyncCollection[dict[str, Any]], budgets: AsyncCollection[dict[str, Any]]) -> None:
        self._collection = collection
        self._budgets = budgets

    async def mark_erase_when_done(self, person: Person) -> int:
        result = await self._collection.update_many(
            {**_of(person), "state": NOT_DONE, "erase_when_done": {"$ne": True}},
            {"$set": {"erase_when_done": True}},
        )
        return result.modified_count

    async def erase_done(self, person: Person, now: datetime) -> int:
        # Read and written one by one: the domain takes the address out of the SMTP replies that quote
        # it too. A rare event (one account's e-mails); one changed meanwhile is read again.
        erased = 0
        query = {**_of(person), "state": DONE, "erased_at": None}
        for _ in range(ROUNDS):
            found = [email_of(doc) async for doc in self._collection.find(query)]
            if not found:
                return erased
            for email in found:
                email.erase(now)
                result = await self._collection.update_one(
                    {"_id": email.id, "version": email.version},
                    {"$set": changed_fields(email), "$inc": {"version": 1}},
                )
                erased += result.modified_count
        raise RuntimeError(f"e-mails of account {person.account_id} kept changing while being erased")

    async def forget_budgets(self, keys: Collection[str]) -> int:
        result = await self._budgets.delete_many({"_id": {"$in": list(keys)}})
        return result.deleted_count

    async def erase_bodies(self, created_before: datetime, limit: int) -> int:
        # On the partial index of the bodies kept: the erased ones are never read again.
        query = {"masked_text": {"$gt": ERASED_TEXT}, "created_at": {"$lt": created_before}, "state": DONE}
        ids = [doc["_id"] async for doc in self._collection.find(query, {"_id": 1}).limit(limit)]
        if not ids:
            return 0
        result = await self._collection.update_many(
            {"_id": {"$in": ids}, "state": DONE}, {"$set": {"masked_text": ERASED_TEXT}}
        )
        return result.modified_count

    async def delete(self, created_before: datetime, limit: int) -> int:
        # On the (state, created_at) index, oldest first.
        query = {"state": DONE, "created_at": {"$lt": created_before}}
        cursor = self._collection.find(query, {"_id": 1}).sort("created_at", 1).limit(limit)
        ids = [doc["_id"] async for doc in cursor]
        if not ids:
            return 0
        result = await self._collection.delete_many({"_id": {"$in": ids}, "state": DONE})
        return result.deleted_count
