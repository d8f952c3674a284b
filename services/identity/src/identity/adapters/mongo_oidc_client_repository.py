"""Relying parties in MongoDB, keyed by client id."""

from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from identity.domain.errors import Conflict
from identity.domain.oidc import OidcClient

COLLECTION = "oidc_clients"


def _document(client: OidcClient) -> dict[str, Any]:
    return {
        "_id": client.id,
        "name": client.name,
        "service": client.service,
        "secret_hash": client.secret_hash,
        "redirect_uris": list(client.redirect_uris),
        "post_logout_redirect_uris": list(client.post_logout_redirect_uris),
        "backchannel_logout_uri": client.backchannel_logout_uri,
        "created_at": client.created_at,
        "disabled_at": client.disabled_at,
    }


def _client(doc: dict[str, Any]) -> OidcClient:
    return OidcClient(
        id=doc["_id"],
        name=doc["name"],
        service=doc["service"],
        secret_hash=doc["secret_hash"],
        redirect_uris=tuple(doc["redirect_uris"]),
        post_logout_redirect_uris=tuple(doc.get("post_logout_redirect_uris") or ()),
        backchannel_logout_uri=doc.get("backchannel_logout_uri"),
        created_at=doc["created_at"],
        disabled_at=doc.get("disabled_at"),
    )


class MongoOidcClientRepository:
    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self._collection = collection

    async def add(self, client: OidcClient) -> None:
        try:
            await self._collection.insert_one(_document(client))
        except DuplicateKeyError as taken:
            raise Conflict("Une application est déjà enregistrée avec cet identifiant.") from taken

    async def put(self, client: OidcClient) -> None:
        await self._collection.replace_one({"_id": client.id}, _document(client), upsert=True)

    async def get(self, client_id: str) -> OidcClient | None:
        doc = await self._collection.find_one({"_id": client_id})
        return _client(doc) if doc else None

    async def all(self) -> list[OidcClient]:
        return [_client(doc) async for doc in self._collection.find({}).sort("created_at", 1)]

    async def update(self, client: OidcClient) -> None:
        await self._collection.replace_one({"_id": client.id}, _document(client))
