"""The sweeper's part for invitations: sent ones past their day are recorded expired, each with its event."""

import logging

from contracts.invitations import InvitationExpiredV1
from efp_runtime.message_context import MessageContext
from efp_runtime.outbox import event_message
from habilitation.use_cases.invitations.ports import InvitationSweep, placeholder
from habilitation.use_cases.messages import PRODUCER
from habilitation.use_cases.ports import Clock

logger = logging.getLogger(__name__)


class SweepInvitations:
    def __init__(self, sweep: InvitationSweep, clock: Clock) -> None:
        self._sweep = sweep
        self._clock = clock

    async def __call__(self) -> int:
        """One pass; returns how many invitations it expired. Safe to run in several replicas at once."""
        # One write per invitation, done by the store in a single statement: at 100,000 overdue
        # invitations a load-and-save per document is several times slower (bench/sweeper.py).
        # The event is built here from its contract; the store only fills in each invitation's fields.
        template = InvitationExpiredV1(
            invitation_id=placeholder("invitation_id"),
            siren=placeholder("siren"),
            account_id=placeholder("account_id"),
        )
        expired = await self._sweep.expire_due(self._clock(), event_message(template, MessageContext.fresh(), PRODUCER))
        if expired:
            logger.info("%d invitation(s) expired", expired)
        return expired
