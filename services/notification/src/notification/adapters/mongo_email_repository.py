"""E-mails in MongoDB, keyed by the id of the message that asked for them."""

from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from efp_runtime.mongo import IndexSpec
from notification.domain.email import Attempt, Email, EmailState, HistoryEntry

COLLECTION = "emails"
INDEXES = [
    IndexSpec(COLLECTION, [("state", 1), ("created_at", 1)]),
    IndexSpec(COLLECTION, [("account_id", 1), ("created_at", -1)], sparse=True),
    IndexSpec(COLLECTION, [("siren", 1), ("created_at", -1)], sparse=True),
]


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
        "attempts": [{"at": a.at, "outcome": a.outcome, "reply": a.reply} for a in e.attempts],
        "history": [
            {"at": h.at, "trigger": h.trigger, "source": h.source.value, "dest": h.dest.value} for h in e.history
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
        attempts=[Attempt(a["at"], a["outcome"], a["reply"]) for a in doc["attempts"]],
        history=[
            HistoryEntry(h["at"], h["trigger"], EmailState(h["source"]), EmailState(h["dest"])) for h in doc["history"]
        ],
        version=doc["version"],
    )
