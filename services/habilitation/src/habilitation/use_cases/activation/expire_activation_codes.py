"""The sweeper's part for codes: issued codes past their validity are recorded expired, with their event."""

from datetime import datetime

from efp_runtime.message_context import MessageContext
from efp_runtime.outbox import Outgoing
from habilitation.domain.activation_code import ActivationCode
from habilitation.domain.errors import Conflict
from habilitation.use_cases.activation.messages import code_events
from habilitation.use_cases.activation.ports import ActivationCodes
from habilitation.use_cases.messages import PRODUCER
from habilitation.use_cases.ports import Clock

BATCH = 100


class ExpireActivationCodes:
    def __init__(self, codes: ActivationCodes, clock: Clock) -> None:
        self._codes = codes
        self._clock = clock

    async def __call__(self) -> int:
        """How many codes this pass expired; the next pass takes the rest."""
        now = self._clock()
        expired = 0
        for code in await self._codes.due(now, BATCH):
            code.expire(now)
            outgoing = Outgoing(PRODUCER, MessageContext.fresh())
            code_events(outgoing, code)
            try:
                await self._codes.update(code, outgoing.messages)
            except Conflict:
                continue  # redeemed or revoked meanwhile: that transition stands
            expired += 1
        return expired


async def record_expiry(codes: ActivationCodes, code: ActivationCode, now: datetime, context: MessageContext) -> None:
    """A code found past its date is recorded expired (with its event) before the caller refuses."""
    code.expire(now)
    outgoing = Outgoing(PRODUCER, context)
    code_events(outgoing, code)
    await codes.update(code, outgoing.messages)
