"""Invitations in MongoDB: at most one pending per (address, organisation); the sweeper expires them in bulk."""

import re
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from pymongo.errors import DuplicateKeyError

from efp_runtime.aggregate_store import UNSET, AggregateStore, StaleAggregate
from efp_runtime.mongo import IndexSpec
from efp_runtime.outbox import OUTBOX_FIELD, OutboxMessage
from habilitation.adapters.mongo_newest_first import newest_first
from habilitation.domain.errors import Conflict, Stale
from habilitation.domain.history import Transition, stored_transition, transition_of
from habilitation.domain.invitation import (
    DUPLICATE_PENDING,
    EXPIRY_REASON,
    SYSTEM,
    Invitation,
    InvitationState,
    InvitedGrant,
)
from habilitation.domain.name_search import name_key, search_words
from habilitation.use_cases.paging import EVERYTHING, RecordFilter, RecordPage

COLLECTION = "invitations"
# Few indexes on purpose: every write rewrites each index entry of the document, and the sweeper
# writes every invitation once. No `outbox.message_id` index: the relay finds outboxes by `_id`.
INDEXES = [
    # The sweeper's query: sent invitations by expiry.
    IndexSpec(COLLECTION, [("state", 1), ("expires_at", 1)]),
    # Present only while sent: a second pending invitation is impossible, even from two replicas.
    IndexSpec(COLLECTION, [("pending_key", 1)], unique=True, sparse=True),
    # The managers' list, newest first; `_id` breaks ties as the sort does (else a sort in memory).
    IndexSpec(COLLECTION, [("siren", 1), ("created_at", -1), ("_id", -1)]),
    # The managers' pending list (`status=sent`: sent and not yet expired), without a full scan.
    IndexSpec(COLLECTION, [("siren", 1), ("state", 1), ("expires_at", 1)]),
    # A person's invitations, received and sent: their account's deletion and their data's export.
    IndexSpec(COLLECTION, [("account_id", 1)]),
    IndexSpec(COLLECTION, [("invited_by", 1)]),
    # The outbox relay's scan: costs each sweep write a little, saves a full scan every poll.
    IndexSpec(COLLECTION, [(f"{OUTBOX_FIELD}.message_id", 1)], sparse=True),
]
# Placeholders of a sweep event template → the document field each stands for.
_FIELDS = {"invitation_id": "$_id", "siren": "$siren", "account_id": "$account_id"}
_PLACEHOLDER = re.compile(r"@@(\w+)@@")
STALE = "Cette invitation a été modifiée entre-temps. Veuillez réessayer."


class MongoInvitationRepository:
    def __init__(self, store: AggregateStore) -> None:
        self._store = store

    async def add(self, invitation: Invitation, messages: list[OutboxMessage]) -> None:
        try:
            await self._store.insert(invitation.id, document_of(invitation), messages)
        except DuplicateKeyError as exc:
            raise Conflict(DUPLICATE_PENDING) from exc
        invitation.version = 1

    async def get(self, invitation_id: str) -> Invitation | None:
        doc = await self._store.find_one({"_id": invitation_id})
        return invitation_of(doc) if doc else None

    async def update(self, invitation: Invitation, messages: list[OutboxMessage]) -> None:
        try:
            await self._store.update(invitation.id, invitation.version, document_of(invitation), messages)
        except StaleAggregate as exc:
            raise Stale(STALE) from exc
        except DuplicateKeyError as exc:  # resending while a newer invitation is pending
            raise Conflict(DUPLICATE_PENDING) from exc
        invitation.version += 1

    async def pending(self, email: str, siren: str) -> Invitation | None:
        doc = await self._store.find_one({"pending_key": _pending_key(email, siren)})
        return invitation_of(doc) if doc else None

    async def of_person(self, account_id: str) -> list[Invitation]:
        query = {"$or": [{"account_id": account_id}, {"invited_by": account_id}]}
        return [invitation_of(d) for d in await self._store.find(query, [("created_at", -1)])]

    async def of_organisation(
        self, siren: str, state: InvitationState | None, now: datetime, filters: RecordFilter = EVERYTHING
    ) -> RecordPage[Invitation]:
        # By effective state: a sent invitation past its expiry is listed as expired, swept or not.
        query: dict[str, Any] = {"siren": siren}
        if state is InvitationState.SENT:
            query |= {"state": state.value, "expires_at": {"$gt": now}}
        elif state is InvitationState.EXPIRED:
            query["$or"] = [{"state": state.value}, {"state": InvitationState.SENT.value, "expires_at": {"$lte": now}}]
        elif state is not None:
            query["state"] = state.value
        if filters.siret:
            query["grants.siret"] = filters.siret
        if filters.q and name_key(filters.q):
            # The invited person's name words, or the e-mail address (stored in lower case), by prefix.
            prefix = f"^{re.escape(name_key(filters.q))}"
            query = {"$and": [query, {"$or": [{"words": {"$regex": prefix}}, {"email": {"$regex": prefix}}]}]}
        docs, next_after, total = await newest_first(self._store.collection, query, filters.after, filters.limit)
        return RecordPage([invitation_of(d) for d in docs], next_after, total)

    async def expire_due(self, now: datetime, event: OutboxMessage) -> int:
        """One state-guarded statement: each document changes alone and atomically, so of two replicas
        sweeping at once each invitation is expired, with its event, exactly once."""
        message = {name: {"$literal": value} for name, value in asdict(event).items()}
        message["message_id"] = {"$concat": [event.message_id, ":", "$_id"]}
        message["body"] = body_expression(event.body)
        entry = stored_transition(Transition(now, "expire", SYSTEM, EXPIRY_REASON))
        # One `$set` stage: each stage costs a copy of the document in the store ($$REMOVE drops the key).
        result = await self._store.collection.update_many(
            {"state": InvitationState.SENT.value, "expires_at": {"$lte": now}},
            [
                {
                    "$set": {
                        "state": InvitationState.EXPIRED.value,
                        "pending_key": "$$REMOVE",
                        "version": {"$add": ["$version", 1]},
                        "history": {"$concatArrays": ["$history", [{"$literal": entry}]]},
                        OUTBOX_FIELD: {"$concatArrays": [{"$ifNull": [f"${OUTBOX_FIELD}", []]}, [message]]},
                    }
                }
            ],
        )
        return result.modified_count


def body_expression(body: str) -> dict[str, Any]:
    """The body as an expression: literal text around each document field its placeholders name.

    The fields are ids and digits, which JSON carries as they are: nothing to escape.
    """
    parts: list[Any] = []
    for index, piece in enumerate(_PLACEHOLDER.split(body)):
        if index % 2:
            parts.append(_FIELDS[piece])
        elif piece:
            parts.append({"$literal": piece})
    return {"$concat": parts}


def _pending_key(email: str, siren: str) -> str:
    return f"{email.lower()}|{siren}"


def document_of(i: Invitation) -> dict[str, Any]:
    """The stored fields of an invitation (the store adds `_id`, `version` and the outbox)."""
    return {
        "email": i.email,
        "account_id": i.account_id,
        "first_name": i.first_name,
        "last_name": i.last_name,
        "siren": i.siren,
        "organisation_name": i.organisation_name,
        # BSON has no date type: end dates are ISO text, as in the habilitations collection.
        "grants": [
            {
                "service": g.service,
                "role": g.role,
                "siret": g.siret,
                "end_date": g.end_date.isoformat() if g.end_date else None,
            }
            for g in i.grants
        ],
        "has_account": i.has_account,
        # For the managers' search by name (absent from invitations written before it: found by e-mail).
        "words": search_words(i.last_name, i.first_name),
        "invited_by": i.invited_by,
        "created_at": i.created_at,
        "last_sent_at": i.last_sent_at,
        "last_sent_by": i.last_sent_by,
        "expires_at": i.expires_at,
        "token_hash": i.token_hash,
        "state": i.state.value,
        "pending_key": _pending_key(i.email, i.siren) if i.state is InvitationState.SENT else UNSET,
        "accepted_by": i.accepted_by,
        "accepted_at": i.accepted_at,
        "revoked_by": i.revoked_by,
        "revoked_at": i.revoked_at,
        "history": [stored_transition(t) for t in i.history],
    }


def invitation_of(doc: dict[str, Any]) -> Invitation:
    """The invitation a stored document holds."""
    return Invitation(
        id=doc["_id"],
        email=doc["email"],
        account_id=doc["account_id"],
        first_name=doc["first_name"],
        last_name=doc["last_name"],
        siren=doc["siren"],
        organisation_name=doc.get("organisation_name"),
        grants=tuple(
            InvitedGrant(
                g["service"], g["role"], g["siret"], date.fromisoformat(g["end_date"]) if g["end_date"] else None
            )
            for g in doc["grants"]
        ),
        has_account=doc["has_account"],
        invited_by=doc["invited_by"],
        created_at=doc["created_at"],
        last_sent_at=doc["last_sent_at"],
        last_sent_by=doc["last_sent_by"],
        expires_at=doc["expires_at"],
        token_hash=doc["token_hash"],
        state=InvitationState(doc["state"]),
        accepted_by=doc.get("accepted_by"),
        accepted_at=doc.get("accepted_at"),
        revoked_by=doc.get("revoked_by"),
        revoked_at=doc.get("revoked_at"),
        version=doc["version"],
        history=[transition_of(t) for t in doc["history"]],
    )
