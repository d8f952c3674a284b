"""Acceptances of a service's CGU, one document per (account, service, version), kept for proof."""

from datetime import datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

COLLECTION = "terms_acceptances"


class MongoTermsAcceptances:
    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self._collection = collection

    async def record(self, account_id: str, service: str, version: str, at: datetime) -> None:
        # The first acceptance of a version is the one that counts: later ones change nothing.
        await self._collection.update_one(
            {"_id": f"{account_id}|{service}|{version}"},
            {"$setOnInsert": {"account_id": account_id, "service": service, "version": version, "accepted_at": at}},
            upsert=True,
        )
