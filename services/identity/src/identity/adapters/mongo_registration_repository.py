"""Registrations in MongoDB, each saved together with its outbox in one document write.

Retention: an abandoned (expired) registration is TTL-deleted 7 days after it was abandoned, a completed
one a day after completion (`forget_at`, set by the write that ends it; open ones have none).
"""

from datetime import datetime, timedelta
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from efp_runtime.aggregate_store import AggregateStore, StaleAggregate
from efp_runtime.mongo import IndexSpec
from efp_runtime.outbox import OUTBOX_FIELD, OutboxMessage, OutboxRelay
from efp_runtime.state_machine import Transition
from identity.domain.errors import Conflict
from identity.domain.registration import OPEN_STEPS, Registration, Step

COLLECTION = "registrations"
INDEXES = [
    IndexSpec(COLLECTION, [("state", 1), ("last_activity_at", 1)]),
    IndexSpec(COLLECTION, [("email", 1)]),
    IndexSpec(COLLECTION, [(f"{OUTBOX_FIELD}.message_id", 1)], sparse=True),
    IndexSpec(COLLECTION, [("forget_at", 1)], expire_after_seconds=0),
]
KEPT_AFTER = {Step.EXPIRED: timedelta(days=7), Step.COMPLETED: timedelta(days=1)}


class MongoRegistrationRepository:
    def __init__(self, collection: AsyncCollection[dict[str, Any]], relay: OutboxRelay) -> None:
        self._collection = collection
        self._store = AggregateStore(collection, relay)

    async def add(self, registration: Registration, messages: list[OutboxMessage]) -> None:
        fields = _document(registration)
        await self._store.insert(fields.pop("_id"), fields, messages)
        registration.version = 1

    async def get(self, registration_id: str) -> Registration | None:
        doc = await self._store.find_one({"_id": registration_id})
        return _registration(doc) if doc else None

    async def update(self, registration: Registration, messages: list[OutboxMessage]) -> None:
        fields = _document(registration)
        del fields["_id"]
        try:
            await self._store.update(registration.id, registration.version, fields, messages)
        except StaleAggregate as exc:
            raise Conflict() from exc
        registration.version += 1

    async def idle_since(self, before: datetime, limit: int) -> list[Registration]:
        cursor = (
            self._collection.find(
                {"state": {"$in": [step.value for step in OPEN_STEPS]}, "last_activity_at": {"$lt": before}},
                {OUTBOX_FIELD: 0},
            )
            .sort("last_activity_at", 1)
            .limit(limit)
        )
        return [_registration(doc) async for doc in cursor]


def _document(r: Registration) -> dict[str, Any]:
    return {
        "_id": r.id,
        "email": r.email,
        "state": r.state.value,
        "code_hash": r.code_hash,
        "code_expires_at": r.code_expires_at,
        "wrong_codes": r.wrong_codes,
        "created_at": r.created_at,
        "last_activity_at": r.last_activity_at,
        "expires_at": r.expires_at,
        "code_sent_at": r.code_sent_at,
        "resends": r.resends,
        "decoy": r.decoy,
        "password_hash": r.password_hash,
        "civility": r.civility,
        "last_name": r.last_name,
        "first_name": r.first_name,
        "history": [{"at": h.at, "trigger": h.trigger, "source": h.source, "dest": h.dest} for h in r.history],
        "forget_at": forget_at(r),
    }


def forget_at(r: Registration) -> datetime | None:
    """When the TTL index deletes the registration: KEPT_AFTER its end (its last transition)."""
    kept = KEPT_AFTER.get(r.state)
    ended = r.history[-1].at if r.history else r.last_activity_at
    return ended + kept if kept is not None else None


def _registration(doc: dict[str, Any]) -> Registration:
    return Registration(
        id=doc["_id"],
        email=doc["email"],
        state=Step(doc["state"]),
        code_hash=doc["code_hash"],
        code_expires_at=doc["code_expires_at"],
        wrong_codes=doc["wrong_codes"],
        created_at=doc["created_at"],
        last_activity_at=doc["last_activity_at"],
        code_sent_at=doc.get("code_sent_at"),
        resends=doc.get("resends", 0),
        decoy=doc.get("decoy", False),
        password_hash=doc.get("password_hash"),
        civility=doc.get("civility"),
        last_name=doc.get("last_name"),
        first_name=doc.get("first_name"),
        version=doc["version"],
        history=[Transition(h["at"], h["trigger"], h["source"], h["dest"]) for h in doc["history"]],
    )
