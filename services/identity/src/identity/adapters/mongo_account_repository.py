"""Accounts in MongoDB: one document each, saved with its outbox; the e-mail is unique.

A change of address under way is a subdocument (`pending_email_change`: the new address, the code's
keyed hash, its expiry, wrong tries, when a new code may be asked for); the unique index on `email`
decides between a change and a sign-up of the same address finishing at once.

A deleted account is a tombstone without an address (adapters/mongo_account_lifecycle.py): the unique
index on `email` is sparse so tombstones do not collide, and no look-up here returns one.
"""

from datetime import datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from efp_runtime.aggregate_store import AggregateStore, StaleAggregate
from efp_runtime.mongo import IndexSpec
from efp_runtime.outbox import OUTBOX_FIELD, OutboxMessage, OutboxRelay
from identity.domain.account import Account, AccountKind, Change
from identity.domain.email_change import PendingEmailChange
from identity.domain.errors import AccountExists, Conflict

COLLECTION = "accounts"
INDEXES = [
    IndexSpec(COLLECTION, [("email", 1)], unique=True, sparse=True),
    IndexSpec(COLLECTION, [("registration_id", 1)], sparse=True),
    IndexSpec(COLLECTION, [("siren", 1)], sparse=True),
    IndexSpec(COLLECTION, [(f"{OUTBOX_FIELD}.message_id", 1)], sparse=True),
    # The sweep of expired changes of address reads only the accounts that have one.
    IndexSpec(COLLECTION, [("pending_email_change.expires_at", 1)], sparse=True),
]
_FIELDS = (
    "email",
    "password_hash",
    "civility",
    "last_name",
    "first_name",
    "created_at",
    "job_title",
    "phone",
    "siren",
    "agent_service",
    "region",
    "registration_id",
)


class MongoAccountRepository:
    def __init__(self, collection: AsyncCollection[dict[str, Any]], relay: OutboxRelay | None) -> None:
        # Without a relay (operator commands) the running service's relay finds the outbox by polling.
        self._store = AggregateStore(collection, relay)

    async def add(self, account: Account, messages: list[OutboxMessage]) -> None:
        try:
            await self._store.insert(account.id, _document(account), messages)
        except DuplicateKeyError as exc:
            raise AccountExists() from exc
        account.version = 1

    async def get(self, account_id: str) -> Account | None:
        return await self._one({"_id": account_id})

    async def by_email(self, email: str) -> Account | None:
        return await self._one({"email": email})

    async def by_registration(self, registration_id: str) -> Account | None:
        return await self._one({"registration_id": registration_id})

    async def update(self, account: Account, messages: list[OutboxMessage]) -> None:
        try:
            await self._store.update(account.id, account.version, _document(account), messages)
        except StaleAggregate as exc:
            raise Conflict() from exc
        except DuplicateKeyError as exc:
            # A changed address another account took in between (the unique index decides).
            raise AccountExists() from exc
        account.version += 1

    async def forget_expired_email_changes(self, now: datetime) -> int:
        # The version moves on, so a verification that read the change before is refused (Conflict).
        result = await self._store.collection.update_many(
            {"pending_email_change.expires_at": {"$lte": now}},
            {"$set": {"pending_email_change": None}, "$inc": {"version": 1}},
        )
        return result.modified_count

    async def _one(self, query: dict[str, Any]) -> Account | None:
        doc = await self._store.find_one(query)
        # A tombstone is no account: it authenticates nothing and its address is free.
        return _account(doc) if doc and doc.get("state") != "deleted" else None


def _document(account: Account) -> dict[str, Any]:
    doc: dict[str, Any] = {name: getattr(account, name) for name in _FIELDS}
    doc["kind"] = account.kind.value
    doc["history"] = [{"at": c.at, "what": c.what} for c in account.history]
    doc["pending_email_change"] = _pending_document(account.pending_email_change)
    return doc


def _pending_document(change: PendingEmailChange | None) -> dict[str, Any] | None:
    if change is None:
        return None
    return {
        "id": change.id,
        "new_email": change.new_email,
        "code_hash": change.code_hash,
        "started_at": change.started_at,
        "expires_at": change.expires_at,
        "resendable_at": change.resendable_at,
        "wrong_codes": change.wrong_codes,
    }


def _pending(doc: dict[str, Any] | None) -> PendingEmailChange | None:
    return PendingEmailChange(**doc) if doc else None


def _account(doc: dict[str, Any]) -> Account:
    fields: dict[str, Any] = {name: doc.get(name) for name in _FIELDS}
    return Account(
        id=doc["_id"],
        kind=AccountKind(doc["kind"]),
        version=doc["version"],
        history=[Change(h["at"], h["what"]) for h in doc.get("history", [])],
        pending_email_change=_pending(doc.get("pending_email_change")),
        last_login_at=doc.get("last_login_at"),
        inactivity_warned_at=doc.get("inactivity_warned_at"),
        **fields,
    )
