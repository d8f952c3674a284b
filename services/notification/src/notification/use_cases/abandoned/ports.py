"""The ports of the operators' work on abandoned e-mails: the commands the broker keeps."""

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True)
class HeldCommand:
    """A command kept on the broker (dead-lettered, or parked with its abandoned e-mail)."""

    message_id: str
    message_type: str | None
    body: bytes
    headers: Mapping[str, Any]
    # The latest death: why and from which queue the broker moved it (x-death).
    death_reason: str | None
    death_queue: str | None
    died_at: datetime | None


class HeldCommands(Protocol):
    """A queue of commands set aside; looking at them leaves them there."""

    async def peek(self, limit: int) -> list[HeldCommand]: ...

    async def requeue(self, message_ids: Collection[str] | None) -> list[str]:
        """Send back to delivery those with these ids (all when None); returns the ids sent."""
        ...
