"""MongoDB client factory and declarative index setup (PyMongo's async client)."""

from dataclasses import dataclass, field
from typing import Any

from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase


def create_mongo_client(url: str) -> AsyncMongoClient[dict[str, Any]]:
    """One client per process; it pools connections. Timeouts fail fast instead of hanging."""
    return AsyncMongoClient(url, tz_aware=True, serverSelectionTimeoutMS=10_000, uuidRepresentation="standard")


@dataclass(frozen=True)
class IndexSpec:
    collection: str
    keys: list[tuple[str, int]]
    unique: bool = False
    sparse: bool = False
    expire_after_seconds: int | None = None
    options: dict[str, Any] = field(default_factory=dict)


async def ensure_indexes(database: AsyncDatabase[dict[str, Any]], specs: list[IndexSpec]) -> None:
    """Create what is missing; creating an existing identical index is a no-op."""
    for spec in specs:
        options: dict[str, Any] = {"unique": spec.unique, "sparse": spec.sparse, **spec.options}
        if spec.expire_after_seconds is not None:
            options["expireAfterSeconds"] = spec.expire_after_seconds
        await database[spec.collection].create_index(spec.keys, **options)
