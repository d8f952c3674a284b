"""The sweeper: a change of address whose code expired unused leaves the account (the new address and
the code's hash are kept no longer than the code lives)."""

import logging
from collections.abc import Callable
from datetime import datetime

from identity.use_cases.accounts.ports import AccountRepository

logger = logging.getLogger(__name__)


class ForgetExpiredEmailChanges:
    def __init__(self, accounts: AccountRepository, clock: Callable[[], datetime]) -> None:
        self._accounts = accounts
        self._clock = clock

    async def __call__(self) -> int:
        """One pass; how many changes it removed. Safe in several replicas (one conditional write each)."""
        forgotten = await self._accounts.forget_expired_email_changes(self._clock())
        if forgotten:
            logger.info("%d expired e-mail change(s) removed", forgotten)
        return forgotten
