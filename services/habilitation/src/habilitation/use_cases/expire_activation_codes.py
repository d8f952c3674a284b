"""The sweeper's part for codes: issued codes past their validity are recorded expired, with their event."""

from efp_runtime.message_context import MessageContext
from habilitation.domain.errors import Conflict
from habilitation.use_cases.activation_outgoing import code_events
from habilitation.use_cases.activation_ports import ActivationCodes
from habilitation.use_cases.outgoing import Outgoing
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
            outgoing = Outgoing(MessageContext.fresh())
            code_events(outgoing, code)
            try:
                await self._codes.update(code, outgoing.messages)
            except Conflict:
                continue  # redeemed or revoked meanwhile: that transition stands
            expired += 1
        return expired
