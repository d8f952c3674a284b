"""The local copy of accounts, kept current by the identity service's public events.

A deleted account's copy is a tombstone `{_id, deleted: true, deleted_at}`: reads skip it, and no save
(a replayed creation or update event, a late copy fetched over RPC) can write over it.
"""

from dataclasses import asdict
from datetime import datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from efp_runtime.mongo import IndexSpec
from habilitation.adapters.mongo_organisation_users import RefreshesListing
from habilitation.use_cases.ports import AccountCopy

COLLECTION = "accounts"
INDEXES = [IndexSpec(COLLECTION, [("siren", 1)]), IndexSpec(COLLECTION, [("email", 1)])]
_LIVE = {"deleted": {"$ne": True}}


class MongoAccountCopies:
    def __init__(self, collection: AsyncCollection[dict[str, Any]], listing: RefreshesListing | None = None) -> None:
        self._collection = collection
        # The organisations' users listing sorts by name: it follows each save.
        self._listing = listing

    async def get(self, account_id: str) -> AccountCopy | None:
        doc = await self._collection.find_one({"_id": account_id, **_LIVE})
        return _account(doc) if doc else None

    async def many(self, account_ids: list[str]) -> dict[str, AccountCopy]:
        docs = self._collection.find({"_id": {"$in": list(set(account_ids))}, **_LIVE})
        return {doc["_id"]: _account(doc) async for doc in docs}

    async def of_organisation(self, siren: str) -> list[AccountCopy]:
        return [_account(doc) async for doc in self._collection.find({"siren": siren}).sort("last_name", 1)]

    async def by_email(self, email: str) -> AccountCopy | None:
        doc = await self._collection.find_one({"email": email})
        return _account(doc) if doc else None

    async def save(self, account: AccountCopy) -> None:
        fields = asdict(account)
        account_id = fields.pop("account_id")
        try:
            # Over a tombstone the filter matches nothing and the upsert's insert meets its _id: refused.
            await self._collection.update_one({"_id": account_id, **_LIVE}, {"$set": fields}, upsert=True)
        except DuplicateKeyError:
            return  # the account was deleted: its data stays gone
        if self._listing is not None:
            await self._listing.refresh(account_id)

    async def forget(self, account_id: str, deleted_at: datetime) -> None:
        current = await self._collection.find_one({"_id": account_id}, {"deleted_at": 1, "deleted": 1})
        if current is not None and current.get("deleted"):
            return  # already a tombstone: a redelivery keeps the first date
        tombstone = {"deleted": True, "deleted_at": deleted_at}
        await self._collection.replace_one({"_id": account_id}, tombstone, upsert=True)
        if self._listing is not None:
            await self._listing.refresh(account_id)  # no name, no organisation: out of every listing

    async def deleted(self, account_id: str) -> bool:
        return await self._collection.find_one({"_id": account_id, "deleted": True}, {"_id": 1}) is not None

    async def deleted_among(self, account_ids: set[str]) -> set[str]:
        docs = self._collection.find({"_id": {"$in": sorted(account_ids)}, "deleted": True}, {"_id": 1})
        return {doc["_id"] async for doc in docs}


def _account(doc: dict[str, Any]) -> AccountCopy:
    return AccountCopy(account_id=doc["_id"], **{k: v for k, v in doc.items() if k != "_id"})
