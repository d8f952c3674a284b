"""Sessions in MongoDB, keyed by the hash of their token; TTL-deleted `retention` (6 months) after they end.

`forget_at` is the TTL index's field: `expires_at` + retention for a live session, `revoked_at` +
retention once it is closed (the earlier TTL index on `expires_at`, a day, is dropped by mongo_retention).

A session also lists the relying parties that signed in through it and want a back-channel
logout (`logout_clients`); once it ends, they are told and removed from the list.

The second factor adds `pending_second_factor` (the 5-minute session of a login's first step), `amr`,
`second_factor_at`, `challenge` ({value: <binary>, expires_at}: a WebAuthn challenge, taken out by
the write that reads it) and `wrong_codes`. Proving a factor replaces the session (`replace`): the old
one records `replaced_by`, the new one `sso_id` (the login's first session, whose `sid` relying parties know).

`signed_in_clients` lists every relying party the person signed in to through the session, and stays
(the export of « mes données » names them; `logout_clients` empties once they are told).

Every write that ends a session (revoke, revoke_all, revoke_others, replace) puts `SessionsChangedV1` in
the ended session's outbox: the gateway's cache of session answers drops the account's on it.
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from bson import Binary
from pymongo import ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection

from contracts.accounts import SessionsChangedV1
from efp_runtime.message_context import MessageContext
from efp_runtime.mongo import IndexSpec
from efp_runtime.outbox import OUTBOX_FIELD, OutboxMessage, OutboxRelay, event_message, pending_messages
from identity.domain.session import AMR_PASSWORD, Challenge, Session
from identity.use_cases.accounts.messages import PRODUCER
from identity.use_cases.export.ports import SessionRecord

COLLECTION = "sessions"
# Kept RETENTION past their end (what the person's data export shows), then the TTL sweep deletes them.
RETENTION = timedelta(days=183)
INDEXES = [
    IndexSpec(COLLECTION, [("forget_at", 1)], expire_after_seconds=0),
    IndexSpec(COLLECTION, [("account_id", 1), ("revoked_at", 1)]),
    IndexSpec(COLLECTION, [(f"{OUTBOX_FIELD}.message_id", 1)], sparse=True),
    IndexSpec(COLLECTION, [("logout_pending", 1)], sparse=True),
]


class MongoSessionRepository:
    def __init__(
        self,
        collection: AsyncCollection[dict[str, Any]],
        relay: OutboxRelay,
        on_revoked: Callable[[], None] = lambda: None,
        retention: timedelta = RETENTION,
    ) -> None:
        self._collection = collection
        self._retention = retention
        self._relay = relay
        # Wakes the back-channel logout delivery at once instead of at its next poll.
        self._on_revoked = on_revoked

    async def add(self, session: Session, messages: list[OutboxMessage]) -> None:
        await self._collection.insert_one({**self._document(session), OUTBOX_FIELD: pending_messages(messages)})
        if messages:
            self._relay.kick(COLLECTION, session.id, messages)

    async def get(self, session_id: str) -> Session | None:
        doc = await self._collection.find_one({"_id": session_id}, {OUTBOX_FIELD: 0})
        return _session(doc) if doc is not None else None

    async def of_account(self, account_id: str) -> list[SessionRecord]:
        cursor = self._collection.find({"account_id": account_id}, {OUTBOX_FIELD: 0}).sort("created_at", -1)
        return [
            SessionRecord(
                _session(doc),
                tuple(dict.fromkeys([*(doc.get("signed_in_clients") or []), *(doc.get("logout_clients") or [])])),
            )
            async for doc in cursor
        ]

    async def touch(self, session_id: str, at: datetime) -> None:
        await self._collection.update_one(
            {"_id": session_id, "last_seen_at": {"$lt": at}}, {"$set": {"last_seen_at": at}}
        )

    async def revoke(self, session_id: str, at: datetime) -> None:
        # The account goes into the announcement, so it is read first (a session never changes account).
        doc = await self._collection.find_one({"_id": session_id, "revoked_at": None}, {"account_id": 1})
        if doc is not None:
            update, _ = self._revoked(at, doc["account_id"])
            result = await self._collection.update_one({"_id": session_id, "revoked_at": None}, update)
            if result.modified_count:
                self._relay.kick(COLLECTION, session_id)
        self._on_revoked()

    async def revoke_all(self, account_id: str, at: datetime) -> int:
        return await self._revoke_many({"account_id": account_id, "revoked_at": None}, account_id, at)

    async def revoke_others(self, account_id: str, keep_session_id: str, at: datetime) -> int:
        query = {"account_id": account_id, "revoked_at": None, "_id": {"$ne": keep_session_id}}
        return await self._revoke_many(query, account_id, at)

    async def _revoke_many(self, query: dict[str, Any], account_id: str, at: datetime) -> int:
        update, message_id = self._revoked(at, account_id)
        result = await self._collection.update_many(query, update)
        if result.modified_count:
            # Each revoked session holds the same announcement (one message id: consumers see it once).
            async for doc in self._collection.find({f"{OUTBOX_FIELD}.message_id": message_id}, {"_id": 1}):
                self._relay.kick(COLLECTION, doc["_id"])
        self._on_revoked()
        return result.modified_count

    def _revoked(self, at: datetime, account_id: str) -> tuple[dict[str, Any], str]:
        """The revocation's update, with its `SessionsChangedV1` in the document's outbox, and that message's id."""
        message = _sessions_changed(account_id, at)
        update = {
            "$set": {"revoked_at": at, "forget_at": at + self._retention},
            "$push": {OUTBOX_FIELD: {"$each": pending_messages([message])}},
        }
        return update, message.message_id

    def _document(self, session: Session) -> dict[str, Any]:
        return {**_document(session), "forget_at": session.expires_at + self._retention}

    # --- second factor --------------------------------------------------------------------------

    async def replace(self, old_session_id: str, new: Session, at: datetime) -> bool:
        # The conditional revocation decides: only its winner inserts. The relying parties signed in
        # through the old session move to the new one (a step-up is no logout).
        revoked, _ = self._revoked(at, new.account_id)
        before = await self._collection.find_one_and_update(
            {"_id": old_session_id, "revoked_at": None},
            {
                "$set": {**revoked["$set"], "replaced_by": new.id},
                "$push": revoked["$push"],
                "$unset": {"logout_pending": "", "logout_clients": "", "challenge": ""},
            },
            projection={"logout_clients": 1},
            return_document=ReturnDocument.BEFORE,
        )
        if before is None:
            return False
        doc = self._document(new)
        if before.get("logout_clients"):
            doc |= {"logout_clients": before["logout_clients"], "logout_pending": True}
        await self._collection.insert_one({**doc, OUTBOX_FIELD: pending_messages([])})
        self._relay.kick(COLLECTION, old_session_id)
        return True

    async def prove_second_factor(self, session_id: str, amr: list[str], at: datetime) -> None:
        await self._collection.update_one(
            {"_id": session_id, "revoked_at": None}, {"$set": {"amr": amr, "second_factor_at": at}}
        )

    async def keep_challenge(self, session_id: str, challenge: Challenge) -> None:
        await self._collection.update_one(
            {"_id": session_id},
            {"$set": {"challenge": {"value": Binary(challenge.value), "expires_at": challenge.expires_at}}},
        )

    async def take_challenge(self, session_id: str) -> Challenge | None:
        before = await self._collection.find_one_and_update(
            {"_id": session_id, "challenge": {"$ne": None}},
            {"$unset": {"challenge": ""}},
            projection={"challenge": 1},
            return_document=ReturnDocument.BEFORE,
        )
        return _challenge(before.get("challenge")) if before else None

    async def count_wrong_code(self, session_id: str) -> int:
        after = await self._collection.find_one_and_update(
            {"_id": session_id},
            {"$inc": {"wrong_codes": 1}},
            projection={"wrong_codes": 1},
            return_document=ReturnDocument.AFTER,
        )
        return int(after["wrong_codes"]) if after else 0

    # --- single sign-on: the relying parties to tell when the session ends ----------------------

    async def signed_in(self, session_id: str, client_id: str) -> None:
        await self._collection.update_one({"_id": session_id}, {"$addToSet": {"signed_in_clients": client_id}})

    async def attach_client(self, session_id: str, client_id: str) -> None:
        await self._collection.update_one(
            {"_id": session_id}, {"$addToSet": {"logout_clients": client_id}, "$set": {"logout_pending": True}}
        )

    async def ended_with_clients(self, now: datetime, limit: int) -> list[tuple[str, str, list[str], int, str]]:
        cursor = self._collection.find(
            {"logout_pending": True, "revoked_at": {"$ne": None}},
            {"account_id": 1, "logout_clients": 1, "logout_attempts": 1, "logout_retry_at": 1, "sso_id": 1},
        ).limit(limit)
        return [
            (
                doc["_id"],
                doc["account_id"],
                list(doc.get("logout_clients") or []),
                int(doc.get("logout_attempts") or 0),
                doc.get("sso_id") or doc["_id"],
            )
            async for doc in cursor
            if doc.get("logout_retry_at") is None or doc["logout_retry_at"] <= now
        ]

    async def clients_told(self, session_id: str, client_ids: list[str], retry_at: datetime | None) -> None:
        change: dict[str, Any] = {
            "$pull": {"logout_clients": {"$in": client_ids}},
            "$set": {"logout_retry_at": retry_at},
        }
        if retry_at is not None:
            change["$inc"] = {"logout_attempts": 1}
        after = await self._collection.find_one_and_update(
            {"_id": session_id}, change, projection={"logout_clients": 1}, return_document=ReturnDocument.AFTER
        )
        if after is not None and not after.get("logout_clients"):
            await self._collection.update_one({"_id": session_id}, {"$unset": {"logout_pending": ""}})


def _sessions_changed(account_id: str, at: datetime) -> OutboxMessage:
    # Announced by the write itself, whichever use case revokes: no path that ends a session can forget it.
    # Its own context: the repository is not told the request's (the event only says "ask again").
    event = SessionsChangedV1(account_id=account_id, changed_at=at)
    return event_message(event, MessageContext.fresh(), PRODUCER)


def _document(session: Session) -> dict[str, Any]:
    return {
        "_id": session.id,
        "account_id": session.account_id,
        "csrf_token": session.csrf_token,
        "created_at": session.created_at,
        "last_seen_at": session.last_seen_at,
        # 5 minutes after a pending session's start, 12 hours after a full one's (forget_at counts from it).
        "expires_at": session.expires_at,
        "ip": session.ip,
        "revoked_at": None,
        "pending_second_factor": session.pending_second_factor,
        "amr": list(session.amr),
        "second_factor_at": session.second_factor_at,
        "wrong_codes": session.wrong_codes,
        "sso_id": session.sso_id,
    }


def _session(doc: dict[str, Any]) -> Session:
    challenge = doc.get("challenge")
    return Session(
        id=doc["_id"],
        account_id=doc["account_id"],
        csrf_token=doc["csrf_token"],
        created_at=doc["created_at"],
        last_seen_at=doc["last_seen_at"],
        ip=doc.get("ip"),
        revoked_at=doc.get("revoked_at"),
        pending_second_factor=bool(doc.get("pending_second_factor")),
        amr=list(doc.get("amr") or [AMR_PASSWORD]),
        second_factor_at=doc.get("second_factor_at"),
        challenge=_challenge(challenge),
        wrong_codes=int(doc.get("wrong_codes") or 0),
        sso_id=doc.get("sso_id"),
        replaced_by=doc.get("replaced_by"),
    )


def _challenge(doc: dict[str, Any] | None) -> Challenge | None:
    return Challenge(bytes(doc["value"]), doc["expires_at"]) if doc else None
