"""Activation codes in MongoDB: the keyed hash, never the code; every transition kept in `history`."""

from datetime import datetime
from typing import Any

from pymongo.errors import DuplicateKeyError

from efp_runtime.aggregate_store import AggregateStore, StaleAggregate
from efp_runtime.mongo import IndexSpec
from efp_runtime.outbox import OUTBOX_FIELD, OutboxMessage
from habilitation.domain.activation_code import ActivationCode, CodeState
from habilitation.domain.errors import Conflict
from habilitation.domain.history import stored_transition, transition_of

COLLECTION = "activation_codes"
INDEXES = [
    # SIRET + code finds the document through its hash; unique, so two codes can never answer one.
    IndexSpec(COLLECTION, [("code_hash", 1)], unique=True),
    IndexSpec(COLLECTION, [("siret", 1), ("issued_at", -1)]),
    IndexSpec(COLLECTION, [("service", 1), ("siret", 1), ("state", 1)]),
    IndexSpec(COLLECTION, [("state", 1), ("expires_at", 1)]),
    IndexSpec(COLLECTION, [(f"{OUTBOX_FIELD}.message_id", 1)], sparse=True),
]
CHANGED = "Ce code d'activation a été modifié entre-temps. Veuillez réessayer."


class MongoActivationCodeRepository:
    def __init__(self, store: AggregateStore) -> None:
        self._store = store

    async def add(self, code: ActivationCode, messages: list[OutboxMessage]) -> None:
        try:
            await self._store.insert(code.id, _document(code), messages)
        except DuplicateKeyError as exc:
            raise Conflict("Ce code d'activation existe déjà. Veuillez réessayer.") from exc
        code.version = 1

    async def get(self, code_id: str) -> ActivationCode | None:
        doc = await self._store.find_one({"_id": code_id})
        return _code(doc) if doc else None

    async def find(self, code_hash: str) -> ActivationCode | None:
        doc = await self._store.find_one({"code_hash": code_hash})
        return _code(doc) if doc else None

    async def update(self, code: ActivationCode, messages: list[OutboxMessage]) -> None:
        try:
            await self._store.update(code.id, code.version, _document(code), messages)
        except StaleAggregate as exc:
            raise Conflict(CHANGED) from exc
        code.version += 1

    async def of_siret(self, siret: str) -> list[ActivationCode]:
        return [_code(d) for d in await self._store.find({"siret": siret}, [("issued_at", -1)])]

    async def issued_for(self, service: str, siret: str) -> list[ActivationCode]:
        query = {"service": service, "siret": siret, "state": CodeState.ISSUED.value}
        return [_code(d) for d in await self._store.find(query)]

    async def due(self, now: datetime, limit: int) -> list[ActivationCode]:
        cursor = self._store.collection.find(
            {"state": CodeState.ISSUED.value, "expires_at": {"$lte": now}}, {OUTBOX_FIELD: 0}
        )
        return [_code(d) async for d in cursor.sort("expires_at", 1).limit(limit)]


def _document(c: ActivationCode) -> dict[str, Any]:
    return {
        "service": c.service,
        "siret": c.siret,
        "siren": c.siren,
        "code_hash": c.code_hash,
        "organisation_name": c.organisation_name,
        "establishment_name": c.establishment_name,
        "issued_by": c.issued_by,
        "issued_at": c.issued_at,
        "expires_at": c.expires_at,
        "state": c.state.value,
        "redeemed_by": c.redeemed_by,
        "redeemed_at": c.redeemed_at,
        "activation_id": c.activation_id,
        "revoked_by": c.revoked_by,
        "revoked_at": c.revoked_at,
        "revocation_reason": c.revocation_reason,
        "letter_downloaded_by": c.letter_downloaded_by,
        "letter_downloaded_at": c.letter_downloaded_at,
        "history": [stored_transition(t) for t in c.history],
    }


def _code(doc: dict[str, Any]) -> ActivationCode:
    return ActivationCode(
        id=doc["_id"],
        service=doc["service"],
        siret=doc["siret"],
        siren=doc["siren"],
        code_hash=doc["code_hash"],
        organisation_name=doc.get("organisation_name"),
        establishment_name=doc.get("establishment_name"),
        issued_by=doc["issued_by"],
        issued_at=doc["issued_at"],
        expires_at=doc["expires_at"],
        state=CodeState(doc["state"]),
        redeemed_by=doc.get("redeemed_by"),
        redeemed_at=doc.get("redeemed_at"),
        activation_id=doc.get("activation_id"),
        revoked_by=doc.get("revoked_by"),
        revoked_at=doc.get("revoked_at"),
        revocation_reason=doc.get("revocation_reason"),
        letter_downloaded_by=doc.get("letter_downloaded_by"),
        letter_downloaded_at=doc.get("letter_downloaded_at"),
        version=doc["version"],
        history=[transition_of(t) for t in doc["history"]],
    )
