"""E-mails in MongoDB, keyed by the id of the message that asked for them."""

from datetime import datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from efp_runtime.mongo import IndexSpec
from notification.domain.email import AbandonReason, Attempt, Email, EmailState, HistoryEntry

COLLECTION = "emails"
INDEXES = [
    IndexSpec(COLLECTION, [("state", 1), ("created_at", 1)]),
    IndexSpec(COLLECTION, [("account_id", 1), ("created_at", -1)], sparse=True),
    IndexSpec(COLLECTION, [("siren", 1), ("created_at", -1)], sparse=True),
    # The per-recipient rate limit counts recent e-mails to one address.
    IndexSpec(COLLECTION, [("to", 1), ("created_at", -1)]),
]
NEWEST_FIRST = [("created_at", -1), ("_id", -1)]


class MongoEmailRepository:
    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self._collection = collection

    async def add(self, email: Email) -> bool:
        try:
            await self._collection.insert_one({**_document(email), "version": 1})
        except DuplicateKeyError:
            return False
        email.version = 1
        return True

    async def get(self, email_id: str) -> Email | None:
        doc = await self._collection.find_one({"_id": email_id})
        return _email(doc) if doc else None

    async def update(self, email: Email) -> bool:
        fields = _document(email)
        del fields["_id"]
        result = await self._collection.update_one(
            {"_id": email.id, "version": email.version}, {"$set": fields, "$inc": {"version": 1}}
        )
        if result.matched_count != 1:
            return False
        email.version += 1
        return True

    async def count_recent_to(self, to: str, since: datetime, excluding: str) -> int:
        return await self._collection.count_documents(
            {
                "to": to,
                "created_at": {"$gte": since},
                "_id": {"$ne": excluding},
                "abandon_reason": {"$ne": AbandonReason.RATE_LIMITED.value},
            }
        )

    async def list_for_account(self, account_id: str, limit: int, before: Email | None) -> list[Email]:
        query: dict[str, Any] = {"account_id": account_id}
        if before is not None:
            query["$or"] = [
                {"created_at": {"$lt": before.created_at}},
                {"created_at": before.created_at, "_id": {"$lt": before.id}},
            ]
        return [_email(doc) async for doc in self._collection.find(query).sort(NEWEST_FIRST).limit(limit)]

    async def list_abandoned(self, limit: int) -> list[Email]:
        cursor = self._collection.find({"state": EmailState.ABANDONED.value}).sort(NEWEST_FIRST).limit(limit)
        return [_email(doc) async for doc in cursor]


def _document(e: Email) -> dict[str, Any]:
    return {
        "_id": e.id,
        "to": e.to,
        "template": e.template,
        "subject": e.subject,
        "masked_text": e.masked_text,
        "correlation_id": e.correlation_id,
        "created_at": e.created_at,
        "account_id": e.account_id,
        "siren": e.siren,
        "state": e.state.value,
        "abandon_reason": e.abandon_reason.value if e.abandon_reason else None,
        "attempts": [{"at": a.at, "outcome": a.outcome, "reply": a.reply} for a in e.attempts],
        "history": [
            {"at": h.at, "trigger": h.trigger, "source": h.source.value, "dest": h.dest.value, "reason": h.reason}
            for h in e.history
        ],
    }


def _email(doc: dict[str, Any]) -> Email:
    return Email(
        id=doc["_id"],
        to=doc["to"],
        template=doc["template"],
        subject=doc["subject"],
        masked_text=doc["masked_text"],
        correlation_id=doc["correlation_id"],
        created_at=doc["created_at"],
        account_id=doc.get("account_id"),
        siren=doc.get("siren"),
        state=EmailState(doc["state"]),
        abandon_reason=AbandonReason(doc["abandon_reason"]) if doc.get("abandon_reason") else None,
        attempts=[Attempt(a["at"], a["outcome"], a["reply"]) for a in doc["attempts"]],
        history=[
            HistoryEntry(h["at"], h["trigger"], EmailState(h["source"]), EmailState(h["dest"]), h.get("reason", ""))
            for h in doc["history"]
        ],
        version=doc["version"],
    )
