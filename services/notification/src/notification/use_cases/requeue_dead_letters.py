"""An operator sends dead-lettered commands back to the command queue once their cause is fixed."""

from collections.abc import Collection

from notification.use_cases.ports import HeldCommands


class RequeueDeadLetters:
    def __init__(self, dead_letters: HeldCommands) -> None:
        self._dead_letters = dead_letters

    async def __call__(self, message_ids: Collection[str] | None) -> list[str]:
        """Those with these ids, or all of them when None; returns the ids requeued."""
        # A command requeued twice is still one e-mail: the service deduplicates on its id.
        return await self._dead_letters.requeue(message_ids)
