"""Activations in MongoDB: who proved which code, and when they accepted the charter."""

from typing import Any

from efp_runtime.aggregate_store import AggregateStore, StaleAggregate
from efp_runtime.mongo import IndexSpec
from efp_runtime.outbox import OUTBOX_FIELD
from habilitation.domain.activation import Activation, ActivationState, ActivationTransition
from habilitation.domain.errors import Conflict

COLLECTION = "activations"
INDEXES = [
    IndexSpec(COLLECTION, [("account_id", 1), ("started_at", -1)]),
    IndexSpec(COLLECTION, [("activation_code_id", 1)]),
    IndexSpec(COLLECTION, [(f"{OUTBOX_FIELD}.message_id", 1)], sparse=True),
]


class MongoActivationRepository:
    def __init__(self, store: AggregateStore) -> None:
        self._store = store

    async def add(self, activation: Activation) -> None:
        await self._store.insert(activation.id, _document(activation), [])
        activation.version = 1

    async def get(self, activation_id: str) -> Activation | None:
        doc = await self._store.find_one({"_id": activation_id})
        return _activation(doc) if doc else None

    async def of_account(self, account_id: str) -> list[Activation]:
        return [_activation(d) for d in await self._store.find({"account_id": account_id}, [("started_at", -1)])]

    async def update(self, activation: Activation) -> None:
        try:
            await self._store.update(activation.id, activation.version, _document(activation), [])
        except StaleAggregate as exc:
            raise Conflict("Cette activation a été modifiée entre-temps. Veuillez réessayer.") from exc
        activation.version += 1


def _document(a: Activation) -> dict[str, Any]:
    return {
        "account_id": a.account_id,
        "activation_code_id": a.activation_code_id,
        "service": a.service,
        "siret": a.siret,
        "siren": a.siren,
        "organisation_name": a.organisation_name,
        "charter_version": a.charter_version,
        "started_at": a.started_at,
        "state": a.state.value,
        "completed_at": a.completed_at,
        "history": [{"at": t.at, "trigger": t.trigger, "by": t.by} for t in a.history],
    }


def _activation(doc: dict[str, Any]) -> Activation:
    return Activation(
        id=doc["_id"],
        account_id=doc["account_id"],
        activation_code_id=doc["activation_code_id"],
        service=doc["service"],
        siret=doc["siret"],
        siren=doc["siren"],
        organisation_name=doc.get("organisation_name"),
        charter_version=doc["charter_version"],
        started_at=doc["started_at"],
        state=ActivationState(doc["state"]),
        completed_at=doc.get("completed_at"),
        version=doc["version"],
        history=[ActivationTransition(t["at"], t["trigger"], t["by"]) for t in doc["history"]],
    )
