"""The sweeper: registrations left idle past the limit become expired, and say so on the bus."""

import logging
from collections.abc import Callable
from datetime import datetime

from efp_runtime.message_context import MessageContext
from efp_runtime.outbox import Outgoing
from identity.domain.errors import Conflict
from identity.domain.registration import INACTIVITY_LIMIT
from identity.use_cases.registration.messages import PRODUCER, announce
from identity.use_cases.registration.ports import IdleRegistrations, RegistrationRepository

BATCH = 500
logger = logging.getLogger(__name__)


class AbandonIdleRegistrations:
    def __init__(
        self, idle: IdleRegistrations, registrations: RegistrationRepository, clock: Callable[[], datetime]
    ) -> None:
        self._idle = idle
        self._registrations = registrations
        self._clock = clock

    async def __call__(self) -> int:
        """One pass; returns how many registrations it expired. Safe to run in several replicas."""
        now = self._clock()
        expired = 0
        for registration in await self._idle.idle_since(now - INACTIVITY_LIMIT, BATCH):
            if not registration.abandon_if_idle(now):
                continue
            out = Outgoing(PRODUCER, MessageContext.fresh())
            announce(registration, out)
            try:
                await self._registrations.update(registration, out.messages)
            except Conflict:
                continue  # touched meanwhile, or another replica got there first (state-guarded)
            expired += 1
        if expired:
            logger.info("%d idle registration(s) expired", expired)
        return expired
