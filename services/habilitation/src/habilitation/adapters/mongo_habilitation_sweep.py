"""The habilitation sweeper's queries, and the record that a holder was warned of the end date.

Reads the habilitations collection through the `{state, end_date}` index its repository declares.
The warning is a field of the habilitation document the aggregate does not map: the repository's
saves `$set` only the fields they know, so it survives them.
"""

from datetime import date, datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from efp_runtime.outbox import OUTBOX_FIELD, OutboxMessage, OutboxRelay, pending_messages
from habilitation.domain.habilitation import HabilitationState
from habilitation.use_cases.habilitations.ports import EndingHabilitation

WARNED_AT = "end_warning_sent_at"
_ACTIVE = HabilitationState.ACTIVE.value


class MongoHabilitationSweep:
    def __init__(self, collection: AsyncCollection[dict[str, Any]], relay: OutboxRelay | None) -> None:
        self._collection = collection
        self._relay = relay

    async def reached_end(self, today: date, limit: int) -> list[str]:
        # End dates are ISO text: string order is date order, and a null end date never matches.
        query = {"state": _ACTIVE, "end_date": {"$lte": today.isoformat()}}
        cursor = self._collection.find(query, {"_id": 1}).sort("end_date", 1).limit(limit)
        return [doc["_id"] async for doc in cursor]

    async def ending_unwarned(self, today: date, until: date, limit: int) -> list[EndingHabilitation]:
        query = {
            "state": _ACTIVE,
            "end_date": {"$gt": today.isoformat(), "$lte": until.isoformat()},
            WARNED_AT: {"$exists": False},
        }
        fields = {name: 1 for name in ("version", "account_id", "service", "role", "siret", "siren", "end_date")}
        cursor = self._collection.find(query, fields).sort("end_date", 1).limit(limit)
        return [
            EndingHabilitation(
                id=doc["_id"],
                version=doc["version"],
                account_id=doc["account_id"],
                service=doc["service"],
                role=doc["role"],
                siret=doc["siret"],
                siren=doc["siren"],
                end_date=date.fromisoformat(doc["end_date"]),
            )
            async for doc in cursor
        ]

    async def record_warning(
        self, habilitation: EndingHabilitation, now: datetime, messages: list[OutboxMessage]
    ) -> bool:
        # Guarded on the version read: a revocation or a lapse since then wins, and nothing is sent.
        result = await self._collection.update_one(
            {"_id": habilitation.id, "version": habilitation.version, "state": _ACTIVE, WARNED_AT: {"$exists": False}},
            {
                "$set": {WARNED_AT: now},
                "$inc": {"version": 1},
                "$push": {OUTBOX_FIELD: {"$each": pending_messages(messages)}},
            },
        )
        if result.modified_count != 1:
            return False
        if messages and self._relay is not None:
            self._relay.kick(self._collection.name, habilitation.id, messages)
        return True
