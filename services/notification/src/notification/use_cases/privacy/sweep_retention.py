"""Retention of the e-mails kept: bodies erased after a year, the rest deleted after three.

On the service clock (shifted by the test clock file in end-to-end tests); only done e-mails (sent,
abandoned), in bounded batches, each write state-guarded so replicas sweeping at once do each thing once.
"""

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from notification.use_cases.privacy.ports import EmailRetention

logger = logging.getLogger(__name__)
BATCH = 500


class SweepEmailRetention:
    def __init__(
        self,
        retention: EmailRetention,
        clock: Callable[[], datetime],
        body_retention: timedelta,
        metadata_retention: timedelta,
        batch: int = BATCH,
    ) -> None:
        self._retention = retention
        self._clock = clock
        self._body_retention = body_retention
        self._metadata_retention = metadata_retention
        self._batch = batch

    async def __call__(self) -> int:
        """One pass: what fell due since the last one (all of it, batch after batch); how many changed."""
        now = self._clock()
        # Deleted first: those need no body erased before.
        deleted = await self._each_batch(lambda: self._retention.delete(now - self._metadata_retention, self._batch))
        erased = await self._each_batch(lambda: self._retention.erase_bodies(now - self._body_retention, self._batch))
        if deleted or erased:
            logger.info("e-mail retention: %d bodies erased, %d e-mails deleted", erased, deleted)
        return deleted + erased

    async def _each_batch(self, step: Callable[[], Awaitable[int]]) -> int:
        total = 0
        while True:
            done = await step()
            total += done
            if done < self._batch:
                return total
