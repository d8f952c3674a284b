"""How many e-mails are in each state, counted in MongoDB for the metrics (one indexed count per state)."""

from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from notification.domain.email import EmailState


class MongoEmailStateCounts:
    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self._collection = collection

    async def __call__(self) -> dict[str, float]:
        # A count per state rides the ("state", "created_at") index; a $group would read every e-mail.
        return {
            state.value: float(await self._collection.count_documents({"state": state.value})) for state in EmailState
        }
