"""An existing database brought to this version's indexes and retention fields, at start-up, before
`ensure_indexes` (which only creates: an index whose options changed would fail, a removed one would stay).

- an index of this version whose key exists with other options (the accounts' `email`, now sparse) is
  dropped, so `ensure_indexes` recreates it;
- retired indexes (the sessions' one-day TTL on `expires_at`) are dropped;
- documents written before `forget_at` existed get one: sessions `now + retention`, ended registrations
  `now + their period` (a little longer than exact, never shorter). Idempotent: each finds nothing left.
"""

import logging
from datetime import datetime, timedelta
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from efp_runtime.mongo import IndexSpec
from identity.adapters import mongo_registration_repository, mongo_session_repository

# (collection, key) of indexes no longer wanted.
RETIRED = [(mongo_session_repository.COLLECTION, [("expires_at", 1)])]
logger = logging.getLogger(__name__)


def _options(spec: IndexSpec) -> dict[str, Any]:
    wanted: dict[str, Any] = {"unique": spec.unique, "sparse": spec.sparse}
    if spec.expire_after_seconds is not None:
        wanted["expireAfterSeconds"] = spec.expire_after_seconds
    return wanted


def _same(info: dict[str, Any], wanted: dict[str, Any]) -> bool:
    return all(bool(info.get(name)) == bool(wanted.get(name)) for name in ("unique", "sparse")) and info.get(
        "expireAfterSeconds"
    ) == wanted.get("expireAfterSeconds")


async def converge_indexes(database: AsyncDatabase[dict[str, Any]], specs: list[IndexSpec]) -> None:
    by_collection: dict[str, Any] = {}
    for name in {spec.collection for spec in specs} | {collection for collection, _ in RETIRED}:
        by_collection[name] = await database[name].index_information()
    retired = {(collection, tuple(keys)) for collection, keys in RETIRED}
    wanted = {(spec.collection, tuple(spec.keys)): _options(spec) for spec in specs if not spec.options}
    for collection, indexes in by_collection.items():
        for index_name, info in indexes.items():
            key = (collection, tuple((field, int(direction)) for field, direction in info.get("key", [])))
            if index_name == "_id_":
                continue
            if key in retired or (key in wanted and not _same(info, wanted[key])):
                logger.info("index %s.%s dropped (retired or changed)", collection, index_name)
                await database[collection].drop_index(index_name)


async def backfill_forget_at(
    database: AsyncDatabase[dict[str, Any]], now: datetime, session_retention: timedelta
) -> None:
    await database[mongo_session_repository.COLLECTION].update_many(
        {"forget_at": {"$exists": False}}, {"$set": {"forget_at": now + session_retention}}
    )
    registrations = database[mongo_registration_repository.COLLECTION]
    for step, kept in mongo_registration_repository.KEPT_AFTER.items():
        await registrations.update_many(
            {"state": step.value, "forget_at": {"$exists": False}}, {"$set": {"forget_at": now + kept}}
        )
