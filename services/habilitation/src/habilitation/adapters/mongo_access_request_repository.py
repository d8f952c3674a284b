"""Access requests in MongoDB; at most one pending per (account, service, organisation)."""

from datetime import datetime
from typing import Any

from pymongo.errors import DuplicateKeyError

from efp_runtime.aggregate_store import UNSET, AggregateStore, StaleAggregate
from efp_runtime.mongo import IndexSpec
from efp_runtime.outbox import OUTBOX_FIELD, OutboxMessage
from habilitation.adapters.mongo_newest_first import newest_first
from habilitation.domain.access_request import AccessRequest, RequestState
from habilitation.domain.errors import Conflict
from habilitation.domain.history import stored_transition, transition_of
from habilitation.use_cases.paging import EVERYTHING, RecordFilter, RecordPage

COLLECTION = "access_requests"
INDEXES = [
    # Present only while pending: the unique index makes a second pending request impossible,
    # even from two replicas at the same moment.
    IndexSpec(COLLECTION, [("pending_key", 1)], unique=True, sparse=True),
    # The managers' list by status, newest first; `_id` breaks ties as the sort does (else a sort in memory).
    IndexSpec(COLLECTION, [("siren", 1), ("state", 1), ("created_at", -1), ("_id", -1)]),
    # The red badge of `GET /me`: pending requests of the managed organisations (`siren` $in).
    IndexSpec(COLLECTION, [("state", 1), ("siren", 1)]),
    # The managers' list without a status filter, newest first.
    IndexSpec(COLLECTION, [("siren", 1), ("created_at", -1), ("_id", -1)]),
    IndexSpec(COLLECTION, [("account_id", 1), ("created_at", -1)]),
    # What a new request is checked against (recent_of_account): the account's pending ones, its recent ones.
    IndexSpec(COLLECTION, [("account_id", 1), ("state", 1)]),
    IndexSpec(COLLECTION, [("account_id", 1), ("last_sent_at", -1)]),
    IndexSpec(COLLECTION, [(f"{OUTBOX_FIELD}.message_id", 1)], sparse=True),
]
DUPLICATE = "Vous avez déjà une demande d'accès en attente pour ce service auprès de cette structure."


class MongoAccessRequestRepository:
    def __init__(self, store: AggregateStore) -> None:
        self._store = store

    async def add(self, request: AccessRequest, messages: list[OutboxMessage]) -> None:
        try:
            await self._store.insert(request.id, _document(request), messages)
        except DuplicateKeyError as exc:
            raise Conflict(DUPLICATE) from exc
        request.version = 1

    async def get(self, request_id: str) -> AccessRequest | None:
        doc = await self._store.find_one({"_id": request_id})
        return _request(doc) if doc else None

    async def update(self, request: AccessRequest, messages: list[OutboxMessage]) -> None:
        try:
            await self._store.update(request.id, request.version, _document(request), messages)
        except StaleAggregate as exc:
            raise Conflict("Cette demande a été modifiée entre-temps. Veuillez réessayer.") from exc
        request.version += 1

    async def of_account(self, account_id: str) -> list[AccessRequest]:
        return [_request(d) for d in await self._store.find({"account_id": account_id}, [("created_at", -1)])]

    async def recent_of_account(self, account_id: str, since: datetime) -> list[AccessRequest]:
        # Bounded by the caps: at most OPEN_MAX pending, and a few a day over LOOK_BACK. Two reads, each
        # through its index, not one `$or`: for that SecantusDB's planner reads the whole collection.
        pending = await self._store.find({"account_id": account_id, "state": RequestState.PENDING.value})
        recent = await self._store.find({"account_id": account_id, "last_sent_at": {"$gte": since}})
        found = {doc["_id"]: doc for doc in [*pending, *recent]}
        return sorted((_request(d) for d in found.values()), key=lambda r: r.created_at, reverse=True)

    async def of_organisation(
        self, siren: str, state: RequestState | None, filters: RecordFilter = EVERYTHING
    ) -> RecordPage[AccessRequest]:
        query: dict[str, Any] = {"siren": siren}
        if state is not None:
            query["state"] = state.value
        if filters.siret:
            query["siret"] = filters.siret
        if filters.account_ids is not None:
            query["account_id"] = {"$in": filters.account_ids}
        docs, next_after, total = await newest_first(self._store.collection, query, filters.after, filters.limit)
        return RecordPage([_request(d) for d in docs], next_after, total)

    async def count_pending(self, sirens: list[str]) -> int:
        if not sirens:
            return 0
        return await self._store.collection.count_documents(
            {"siren": {"$in": sirens}, "state": RequestState.PENDING.value}
        )


def _document(r: AccessRequest) -> dict[str, Any]:
    pending = r.state is RequestState.PENDING
    return {
        "account_id": r.account_id,
        "service": r.service,
        "siren": r.siren,
        "siret": r.siret,
        "message": r.message,
        "organisation_name": r.organisation_name,
        "establishment_name": r.establishment_name,
        "created_at": r.created_at,
        "last_sent_at": r.last_sent_at,
        "state": r.state.value,
        "pending_key": f"{r.account_id}|{r.service}|{r.siren}" if pending else UNSET,
        "decided_by": r.decided_by,
        "decided_at": r.decided_at,
        "reason": r.reason,
        "history": [stored_transition(t) for t in r.history],
    }


def _request(doc: dict[str, Any]) -> AccessRequest:
    return AccessRequest(
        id=doc["_id"],
        account_id=doc["account_id"],
        service=doc["service"],
        siren=doc["siren"],
        siret=doc["siret"],
        message=doc["message"],
        organisation_name=doc.get("organisation_name"),
        establishment_name=doc.get("establishment_name"),
        created_at=doc["created_at"],
        last_sent_at=doc["last_sent_at"],
        state=RequestState(doc["state"]),
        decided_by=doc["decided_by"],
        decided_at=doc["decided_at"],
        reason=doc["reason"],
        version=doc["version"],
        history=[transition_of(t) for t in doc["history"]],
    )
