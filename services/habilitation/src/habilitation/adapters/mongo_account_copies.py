"""The local copy of accounts, kept current by the identity service's public events."""

from dataclasses import asdict
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from efp_runtime.mongo import IndexSpec
from habilitation.adapters.mongo_organisation_users import RefreshesListing
from habilitation.use_cases.ports import AccountCopy

COLLECTION = "accounts"
INDEXES = [IndexSpec(COLLECTION, [("siren", 1)]), IndexSpec(COLLECTION, [("email", 1)])]


class MongoAccountCopies:
    def __init__(self, collection: AsyncCollection[dict[str, Any]], listing: RefreshesListing | None = None) -> None:
        self._collection = collection
        # The organisations' users listing sorts by name: it follows each save.
        self._listing = listing

    async def get(self, account_id: str) -> AccountCopy | None:
        doc = await self._collection.find_one({"_id": account_id})
        return _account(doc) if doc else None

    async def many(self, account_ids: list[str]) -> dict[str, AccountCopy]:
        docs = self._collection.find({"_id": {"$in": list(set(account_ids))}})
        return {doc["_id"]: _account(doc) async for doc in docs}

    async def of_organisation(self, siren: str) -> list[AccountCopy]:
        return [_account(doc) async for doc in self._collection.find({"siren": siren}).sort("last_name", 1)]

    async def by_email(self, email: str) -> AccountCopy | None:
        doc = await self._collection.find_one({"email": email})
        return _account(doc) if doc else None

    async def save(self, account: AccountCopy) -> None:
        fields = asdict(account)
        account_id = fields.pop("account_id")
        await self._collection.update_one({"_id": account_id}, {"$set": fields}, upsert=True)
        if self._listing is not None:
            await self._listing.refresh(account_id)


def _account(doc: dict[str, Any]) -> AccountCopy:
    return AccountCopy(account_id=doc["_id"], **{k: v for k, v in doc.items() if k != "_id"})
