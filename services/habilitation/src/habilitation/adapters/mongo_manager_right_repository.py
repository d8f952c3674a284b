"""Access-manager rights in MongoDB, one document per (account, organisation).

A withdrawal must leave the organisation a manager, but MongoDB writes one document at a time:
it first bumps the version of another active manager's right (the survivor), then saves the
withdrawal over the version it read. A withdrawal of that survivor read before the bump then
fails its own version check, so two managers withdrawing each other cannot both succeed.
"""

from typing import Any

from efp_runtime.aggregate_store import AggregateStore, StaleAggregate
from efp_runtime.mongo import IndexSpec
from efp_runtime.outbox import OUTBOX_FIELD, OutboxMessage
from habilitation.domain.errors import Conflict, LastManager
from habilitation.domain.manager_right import ManagerRight, ManagerRightState

COLLECTION = "manager_rights"
INDEXES = [
    IndexSpec(COLLECTION, [("siren", 1), ("state", 1)]),
    IndexSpec(COLLECTION, [("account_id", 1), ("state", 1)]),
    IndexSpec(COLLECTION, [(f"{OUTBOX_FIELD}.message_id", 1)], sparse=True),
]
HELD = [ManagerRightState.ACTIVE.value, ManagerRightState.APPOINTED.value]


class MongoManagerRightRepository:
    def __init__(self, store: AggregateStore) -> None:
        self._store = store

    async def get(self, account_id: str, siren: str) -> ManagerRight | None:
        doc = await self._store.find_one({"_id": f"{account_id}:{siren}"})
        return _right(doc) if doc else None

    async def save(self, right: ManagerRight, messages: list[OutboxMessage]) -> None:
        try:
            if right.version == 0:
                await self._store.insert(right.id, _document(right), messages)
            else:
                await self._store.update(right.id, right.version, _document(right), messages)
        except StaleAggregate as exc:
            raise Conflict("Ce droit a été modifié entre-temps. Veuillez réessayer.") from exc
        right.version += 1

    async def withdraw(self, right: ManagerRight, messages: list[OutboxMessage]) -> None:
        others = await self._store.find(
            {"siren": right.siren, "state": ManagerRightState.ACTIVE.value, "account_id": {"$ne": right.account_id}},
            [("granted_at", 1)],
        )
        for other in others:
            # Conditional on the survivor being active still; the bump fences its concurrent withdrawal.
            vouched = await self._store.collection.update_one(
                {"_id": other["_id"], "state": ManagerRightState.ACTIVE.value}, {"$inc": {"version": 1}}
            )
            if vouched.modified_count == 1:
                await self.save(right, messages)
                return
        raise LastManager()

    async def managers_of(self, siren: str) -> list[ManagerRight]:
        docs = await self._store.find({"siren": siren, "state": ManagerRightState.ACTIVE.value}, [("granted_at", 1)])
        return [_right(doc) for doc in docs]

    async def holders_of(self, siren: str) -> list[ManagerRight]:
        docs = await self._store.find({"siren": siren, "state": {"$in": HELD}}, [("granted_at", 1)])
        return [_right(doc) for doc in docs]

    async def managed_by(self, account_id: str) -> list[str]:
        docs = await self._store.find({"account_id": account_id, "state": {"$in": HELD}})
        return sorted(doc["siren"] for doc in docs)

    async def of_account(self, account_id: str) -> list[ManagerRight]:
        return [_right(doc) for doc in await self._store.find({"account_id": account_id}, [("granted_at", 1)])]


def _document(right: ManagerRight) -> dict[str, Any]:
    return {
        "account_id": right.account_id,
        "siren": right.siren,
        "granted_by": right.granted_by,
        "granted_at": right.granted_at,
        "via": right.via,
        "charter_version": right.charter_version,
        "state": right.state.value,
        "activation_id": right.activation_id,
        "history": [{"at": at, "what": what, "by": by} for at, what, by in right.history],
    }


def _right(doc: dict[str, Any]) -> ManagerRight:
    return ManagerRight(
        account_id=doc["account_id"],
        siren=doc["siren"],
        granted_by=doc["granted_by"],
        granted_at=doc["granted_at"],
        via=doc["via"],
        charter_version=doc["charter_version"],
        state=ManagerRightState(doc["state"]),
        activation_id=doc.get("activation_id"),
        version=doc["version"],
        history=[(h["at"], h["what"], h["by"]) for h in doc["history"]],
    )
