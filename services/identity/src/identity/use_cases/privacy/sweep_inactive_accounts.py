"""Accounts without a login for three years: warned, then deleted after the notice unless the person logs in.

A login withdraws the warning (LogIn → AccountLifecycle.record_login). A person who is still the last
access manager of an organisation is not deleted: the warning is withdrawn and given again a year later,
and only the account id is logged. Each pass handles a batch of each kind, read through indexes.
"""

import logging
from collections.abc import Callable
from datetime import datetime

from contracts.notification import InactiveAccountWarningV1
from efp_runtime.message_context import MessageContext
from efp_runtime.outbox import Outgoing
from identity.domain.errors import Conflict
from identity.domain.frontend_links import FrontendLinks
from identity.domain.privacy import BlockersUnavailable, InactiveAccount, InactivityRules
from identity.use_cases.accounts.ports import AccountRepository
from identity.use_cases.privacy.erase_account import PRODUCER, EraseAccount
from identity.use_cases.privacy.ports import AccountLifecycle, DeletionBlockers

BATCH = 100
logger = logging.getLogger(__name__)


class SweepInactiveAccounts:
    def __init__(
        self,
        accounts: AccountRepository,
        lifecycle: AccountLifecycle,
        blockers: DeletionBlockers,
        erase: EraseAccount,
        links: FrontendLinks,
        clock: Callable[[], datetime],
        rules: InactivityRules | None = None,
        batch: int = BATCH,
    ) -> None:
        self._accounts = accounts
        self._lifecycle = lifecycle
        self._blockers = blockers
        self._erase = erase
        self._links = links
        self._clock = clock
        self._rules = rules or InactivityRules()
        self._batch = batch

    async def __call__(self) -> int:
        """How many accounts were warned, deleted or snoozed."""
        return await self._delete_due() + await self._warn()

    async def _warn(self) -> int:
        now = self._clock()
        inactive = await self._lifecycle.to_warn(self._rules.inactive_before(now), now, self._batch)
        warned = 0
        for account in inactive:
            warned += await self._warn_one(account, now)
        return warned

    async def _warn_one(self, account: InactiveAccount, now: datetime) -> int:
        out = Outgoing(PRODUCER, MessageContext.fresh())
        last = account.last_login_at
        content = InactiveAccountWarningV1(
            last_login_on=last.date() if last else None,
            delete_on=self._rules.delete_on(now).date(),
            link=self._links.login(),
        )
        out.email(account.email, content, account_id=account.account_id)
        if not await self._lifecycle.warned(account.account_id, now, last, out.messages):
            return 0  # a login came in between
        logger.info("account %s warned of its deletion for inactivity", account.account_id)
        return 1

    async def _delete_due(self) -> int:
        now = self._clock()
        due = await self._lifecycle.due_for_deletion(now - self._rules.notice, self._batch)
        done = 0
        for account_id in due:
            done += await self._delete_one(account_id, now)
        return done

    async def _delete_one(self, account_id: str, now: datetime) -> int:
        account = await self._accounts.get(account_id)
        if account is None or account.inactivity_warned_at is None:
            return 0
        try:
            blocking = (await self._blockers.of(account_id)).organisations
        except BlockersUnavailable:
            logger.warning("account %s: deletion blockers unknown, tried again at the next pass", account_id)
            return 0
        if blocking:
            await self._lifecycle.snooze(account_id, now + self._rules.rewarn_after)
            logger.info("account %s inactive but last access manager: kept, warned again in a year", account_id)
            return 1
        try:
            await self._erase(account, "inactive", now, MessageContext.fresh(), warned_at=account.inactivity_warned_at)
        except Conflict:
            return 0  # logged in, or written, since it was read: looked at again later
        return 1
