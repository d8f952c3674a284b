"""Password resets in MongoDB, saved with their outbox; TTL-deleted a week after they end."""

from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from efp_runtime.aggregate_store import AggregateStore, StaleAggregate
from efp_runtime.mongo import IndexSpec
from efp_runtime.outbox import OUTBOX_FIELD, OutboxMessage, OutboxRelay
from efp_runtime.state_machine import Transition
from identity.domain.errors import Conflict
from identity.domain.password_reset import OPEN_STATES, PasswordReset, ResetState

COLLECTION = "password_resets"
INDEXES = [
    IndexSpec(COLLECTION, [("expires_at", 1)], expire_after_seconds=7 * 24 * 3600),
    IndexSpec(COLLECTION, [(f"{OUTBOX_FIELD}.message_id", 1)], sparse=True),
    IndexSpec(COLLECTION, [("email", 1), ("state", 1)]),
]


class MongoPasswordResetRepository:
    def __init__(self, collection: AsyncCollection[dict[str, Any]], relay: OutboxRelay) -> None:
        self._store = AggregateStore(collection, relay)
        self._collection = collection

    async def add(self, reset: PasswordReset, messages: list[OutboxMessage]) -> None:
        await self._store.insert(reset.id, _document(reset), messages)
        reset.version = 1

    async def get(self, reset_id: str) -> PasswordReset | None:
        doc = await self._store.find_one({"_id": reset_id})
        return None if doc is None else _reset(doc)

    async def open_of(self, email: str) -> list[PasswordReset]:
        states = [state.value for state in OPEN_STATES]
        return [_reset(doc) async for doc in self._collection.find({"email": email, "state": {"$in": states}})]

    async def update(self, reset: PasswordReset, messages: list[OutboxMessage]) -> None:
        try:
            await self._store.update(reset.id, reset.version, _document(reset), messages)
        except StaleAggregate as exc:
            raise Conflict() from exc
        reset.version += 1


def _reset(doc: dict[str, Any]) -> PasswordReset:
    return PasswordReset(
        id=doc["_id"],
        email=doc["email"],
        account_id=doc["account_id"],
        code_hash=doc["code_hash"],
        created_at=doc["created_at"],
        state=ResetState(doc["state"]),
        wrong_codes=doc["wrong_codes"],
        version=doc["version"],
        # Entries written before the source and destination were kept have neither.
        history=[Transition(h["at"], h["trigger"], h.get("source", ""), h.get("dest", "")) for h in doc["history"]],
    )


def _document(reset: PasswordReset) -> dict[str, Any]:
    return {
        "email": reset.email,
        "account_id": reset.account_id,
        "code_hash": reset.code_hash,
        "created_at": reset.created_at,
        "expires_at": reset.expires_at,
        "state": reset.state.value,
        "wrong_codes": reset.wrong_codes,
        "history": [{"at": h.at, "trigger": h.trigger, "source": h.source, "dest": h.dest} for h in reset.history],
    }
