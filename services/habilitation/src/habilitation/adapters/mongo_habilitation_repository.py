"""Habilitations in MongoDB, each saved with its outbox."""

from datetime import date
from typing import Any

from efp_runtime.aggregate_store import AggregateStore, StaleAggregate
from efp_runtime.mongo import IndexSpec
from efp_runtime.outbox import OUTBOX_FIELD, OutboxMessage
from habilitation.adapters.mongo_organisation_users import RefreshesListing
from habilitation.domain.errors import Conflict
from habilitation.domain.habilitation import Habilitation, HabilitationState, Via
from habilitation.domain.history import stored_transition, transition_of

COLLECTION = "habilitations"
INDEXES = [
    IndexSpec(COLLECTION, [("account_id", 1), ("state", 1)]),
    # An organisation's active habilitations, and those of one page of its users (`account_id` $in):
    # without the third key a page would read every active habilitation of the organisation.
    IndexSpec(COLLECTION, [("siren", 1), ("state", 1), ("account_id", 1)]),
    # The sweeper's query: active habilitations by end date.
    IndexSpec(COLLECTION, [("state", 1), ("end_date", 1)]),
    # The snapshot's pages (MongoActiveHabilitations.page): active ones in `_id` windows bounded at both ends.
    IndexSpec(COLLECTION, [("state", 1), ("_id", 1)]),
    IndexSpec(COLLECTION, [(f"{OUTBOX_FIELD}.message_id", 1)], sparse=True),
]


class MongoHabilitationRepository:
    def __init__(self, store: AggregateStore, listing: RefreshesListing | None = None) -> None:
        self._store = store
        # The organisations' users listing filters on active habilitations: it follows each write.
        self._listing = listing

    async def add(self, habilitation: Habilitation, messages: list[OutboxMessage]) -> None:
        await self._store.insert(habilitation.id, _document(habilitation), messages)
        habilitation.version = 1
        await self._refresh(habilitation.account_id)

    async def get(self, habilitation_id: str) -> Habilitation | None:
        doc = await self._store.find_one({"_id": habilitation_id})
        return _habilitation(doc) if doc else None

    async def update(self, habilitation: Habilitation, messages: list[OutboxMessage]) -> None:
        try:
            await self._store.update(habilitation.id, habilitation.version, _document(habilitation), messages)
        except StaleAggregate as exc:
            raise Conflict("Cette habilitation a été modifiée entre-temps. Veuillez réessayer.") from exc
        habilitation.version += 1
        await self._refresh(habilitation.account_id)

    async def _refresh(self, account_id: str) -> None:
        if self._listing is not None:
            await self._listing.refresh(account_id)

    async def of_account(self, account_id: str, active_only: bool = True) -> list[Habilitation]:
        query: dict[str, Any] = {"account_id": account_id}
        if active_only:
            query["state"] = HabilitationState.ACTIVE.value
        return [_habilitation(d) for d in await self._store.find(query, [("granted_at", 1)])]

    async def of_organisation(
        self,
        siren: str,
        role: str | None = None,
        siret: str | None = None,
        active_only: bool = True,
        account_ids: list[str] | None = None,
    ) -> list[Habilitation]:
        query: dict[str, Any] = {"siren": siren}
        if account_ids is not None:
            query["account_id"] = {"$in": account_ids}
        if active_only:
            query["state"] = HabilitationState.ACTIVE.value
        if role:
            query["role"] = role
        if siret:
            query["siret"] = siret
        return [_habilitation(d) for d in await self._store.find(query, [("granted_at", 1)])]


def _document(h: Habilitation) -> dict[str, Any]:
    return {
        "account_id": h.account_id,
        "service": h.service,
        "role": h.role,
        "siret": h.siret,
        "siren": h.siren,
        # BSON has no date type: an end date is stored as ISO text, which sorts and compares right.
        "end_date": h.end_date.isoformat() if h.end_date else None,
        "granted_by": h.granted_by,
        "granted_at": h.granted_at,
        "via": h.via.value,
        "state": h.state.value,
        "history": [stored_transition(t) for t in h.history],
    }


def _habilitation(doc: dict[str, Any]) -> Habilitation:
    return Habilitation(
        id=doc["_id"],
        account_id=doc["account_id"],
        service=doc["service"],
        role=doc["role"],
        siret=doc["siret"],
        siren=doc["siren"],
        end_date=date.fromisoformat(doc["end_date"]) if doc["end_date"] else None,
        granted_by=doc["granted_by"],
        granted_at=doc["granted_at"],
        via=Via(doc["via"]),
        state=HabilitationState(doc["state"]),
        version=doc["version"],
        history=[transition_of(t) for t in doc["history"]],
    )
