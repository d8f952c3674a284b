"""MongoDB client factory and declarative index setup (PyMongo's async client)."""

import logging
from dataclasses import dataclass, field
from typing import Any

import pymongo
from pymongo import AsyncMongoClient, ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

logger = logging.getLogger(__name__)


def create_mongo_client(url: str, **options: Any) -> AsyncMongoClient[dict[str, Any]]:
    """One client per process; it pools connections. Timeouts fail fast instead of hanging. `options`: more
    client options (tests add `event_listeners` to see the commands sent).

    journal=True: a write is acknowledged once it is in the store's journal. Without it SecantusDB (like
    mongod with w:1, j:false) acknowledges from memory, and a kill -9 loses the last tens of milliseconds
    of acknowledged writes (measured: 40 of 3,915 sequential inserts; none with the journal): a sign-up
    step answered 200 was found undone after the store restarted. It costs about 0.4 ms of latency per
    write here, and nothing on MongoDB's default w:majority, which is journaled already.
    """
    return AsyncMongoClient(
        url, tz_aware=True, serverSelectionTimeoutMS=10_000, uuidRepresentation="standard", journal=True, **options
    )


# The readiness probe's wait for the store: well within the gateway's RPC timeout, so a store that does
# not answer (paused, restarting) makes the service say "unavailable" instead of making its caller time out.
STORE_PING_SECONDS = 2.0


async def store_answers(database: AsyncDatabase[dict[str, Any]], within: float = STORE_PING_SECONDS) -> None:
    """Returns once the store answers a ping; raises PyMongo's timeout or connection error otherwise."""
    with pymongo.timeout(within):
        await database.command("ping")


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


async def upserted(
    collection: AsyncCollection[dict[str, Any]], doc_id: str, update: dict[str, Any], attempts: int = 3
) -> dict[str, Any]:
    """`find_one_and_update(…, upsert=True)` giving the document after the update, also when several
    replicas upsert the same new id at once (a counter's first hits).

    Two concurrent upserts of one `_id` may both try the insert. MongoDB fails the loser with a duplicate
    key error and applies nothing (its manual says to retry). SecantusDB applies the loser's update to the
    winner's document but answers no document (measured: 40 concurrent `$inc` leave 40, six answer None),
    so that answer is read back, never retried, which would count the hit twice.
    """
    for attempt in range(attempts):
        try:
            doc = await collection.find_one_and_update(
                {"_id": doc_id}, update, upsert=True, return_document=ReturnDocument.AFTER
            )
        except DuplicateKeyError:
            logger.info("upsert of %s raced another; trying again (%d)", doc_id, attempt + 1)
            continue
        if doc is None:
            doc = await collection.find_one({"_id": doc_id})
        if doc is not None:
            return doc
    raise RuntimeError(f"upsert of {doc_id} found no document after {attempts} attempts")
