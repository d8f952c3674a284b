"""Operators' view of the commands the service could not process, secrets masked."""

from dataclasses import dataclass
from datetime import datetime

from notification.domain.masking import masked_body
from notification.use_cases.ports import HeldCommands


@dataclass(frozen=True)
class DeadLetter:
    message_id: str
    message_type: str | None
    reason: str | None
    queue: str | None
    died_at: datetime | None
    masked_body: str


class ListDeadLetters:
    def __init__(self, dead_letters: HeldCommands) -> None:
        self._dead_letters = dead_letters

    async def __call__(self, limit: int) -> list[DeadLetter]:
        return [
            DeadLetter(
                held.message_id,
                held.message_type,
                held.death_reason,
                held.death_queue,
                held.died_at,
                masked_body(held.body),
            )
            for held in await self._dead_letters.peek(limit)
        ]
