"""The signing keyring: one document, written only if its version is still the one read."""

from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from identity.domain.oidc import Keyring, SigningKeyEntry

COLLECTION = "oidc_keys"
KEYRING_ID = "keyring"


class MongoKeyringStore:
    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self._collection = collection

    async def load(self) -> Keyring:
        doc = await self._collection.find_one({"_id": KEYRING_ID})
        if doc is None:
            return Keyring()
        return Keyring(keys=[SigningKeyEntry(**key) for key in doc["keys"]], version=doc["version"])

    async def save(self, keyring: Keyring) -> bool:
        keys = [key.__dict__ for key in keyring.keys]
        if keyring.version == 0:
            try:
                await self._collection.insert_one({"_id": KEYRING_ID, "keys": keys, "version": 1})
            except DuplicateKeyError:
                return False
        else:
            result = await self._collection.update_one(
                {"_id": KEYRING_ID, "version": keyring.version},
                {"$set": {"keys": keys, "version": keyring.version + 1}},
            )
            if result.modified_count != 1:
                return False
        keyring.version += 1
        return True
