"""Per-recipient sliding-window limit in MongoDB: one small document per address."""

from datetime import datetime, timedelta
from typing import Any

from pymongo import UpdateOne
from pymongo.asynchronous.collection import AsyncCollection

from efp_runtime.mongo import IndexSpec
from notification.adapters.group_commit import GroupCommit

COLLECTION = "recipient_rates"
INDEXES = [IndexSpec(COLLECTION, [("expires_at", 1)], expire_after_seconds=0)]
Request = tuple[str, str, datetime]  # address key, e-mail id, now


class MongoRecipientRateLimiter:
    """Each document keeps the e-mails let through within the window (time and e-mail id). An atomic
    pipeline update drops the old ones and records the new one only if there is room, so concurrent
    consumers (and replicas) never let more through than the limit, refused e-mails do not count,
    and the same e-mail asking twice (a redelivered command) is let through without counting twice.
    Concurrent requests are sent in one bulk write, then read back: an e-mail was let through if
    its id is in the document. Documents expire once the address has been quiet for a window.
    """

    def __init__(self, collection: AsyncCollection[dict[str, Any]], max_emails: int, window: timedelta) -> None:
        self._collection = collection
        self._max = max_emails
        self._window = window
        self.rule = f"at most {max_emails} e-mails to one address per {int(window.total_seconds())} s"
        self._requests: GroupCommit[Request, bool] = GroupCommit(self._take_many)

    async def take(self, to: str, email_id: str, now: datetime) -> bool:
        return await self._requests.submit((to.lower(), email_id, now))

    async def _take_many(self, requests: list[Request]) -> list[bool | Exception]:
        # Ordered: two e-mails to one address in a batch are decided one after the other.
        await self._collection.bulk_write(
            [UpdateOne({"_id": key}, self._admit(email_id, now), upsert=True) for key, email_id, now in requests],
            ordered=True,
        )
        keys = list({key for key, _, _ in requests})
        admitted = {
            doc["_id"]: {entry["id"] for entry in doc.get("recent", [])}
            async for doc in self._collection.find({"_id": {"$in": keys}}, {"recent.id": 1})
        }
        return [email_id in admitted.get(key, set()) for key, email_id, _ in requests]

    def _admit(self, email_id: str, now: datetime) -> list[dict[str, Any]]:
        since = now - self._window
        recent = {"$filter": {"input": {"$ifNull": ["$recent", []]}, "cond": {"$gte": ["$$this.at", since]}}}
        ids = {"$map": {"input": "$recent", "in": "$$this.id"}}
        full_or_known = {"$or": [{"$in": [email_id, ids]}, {"$gte": [{"$size": "$recent"}, self._max]}]}
        admit = {"$concatArrays": ["$recent", [{"at": now, "id": email_id}]]}
        return [
            {"$set": {"recent": recent}},
            {"$set": {"recent": {"$cond": [full_or_known, "$recent", admit]}, "expires_at": now + self._window}},
        ]


class NoRecipientLimit:
    """NOTIFICATION_RATE_LIMIT_PER_RECIPIENT=0: every e-mail goes, and no round trip is spent."""

    rule = "no limit"

    async def take(self, to: str, email_id: str, now: datetime) -> bool:
        return True
