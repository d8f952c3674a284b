"""The deletion itself, the same for a request and for inactivity: tombstone, sessions closed, traces erased.

The tombstone's write is the commit point: it carries `identity.account.deleted.v1` and the last e-mail
in its outbox, and from it on no look-up finds the account (its sessions open nothing). What follows is
idempotent and marked done on the tombstone: closing every session, then erasing the other traces; a
crash in between is finished by the sweep (FinishErasures). Closing the sessions after the commit point
also means a deletion that loses a race (a login just before an inactive account's deletion) closes none.
"""

import logging
from collections.abc import Callable
from datetime import datetime

from contracts.notification import AccountDeletedEmailV1
from contracts.privacy import AccountDeletedV1
from efp_runtime.message_context import MessageContext
from efp_runtime.outbox import Outgoing
from identity.domain.account import Account
from identity.domain.privacy import Reason
from identity.use_cases.privacy.ports import AccountLifecycle, PersonalTraces
from identity.use_cases.sessions.ports import SessionRepository

PRODUCER = "identity"
# Tombstones finished per sweep pass.
BATCH = 100
logger = logging.getLogger(__name__)


class EraseAccount:
    def __init__(self, sessions: SessionRepository, lifecycle: AccountLifecycle, traces: PersonalTraces) -> None:
        self._sessions = sessions
        self._lifecycle = lifecycle
        self._traces = traces

    async def __call__(
        self,
        account: Account,
        reason: Reason,
        now: datetime,
        context: MessageContext,
        warned_at: datetime | None = None,
    ) -> None:
        """Raises Conflict (nothing deleted) if the account was written since it was read, or, with
        `warned_at`, if the person logged in since that warning."""
        out = Outgoing(PRODUCER, context)
        out.event(AccountDeletedV1(account_id=account.id, email=account.email, deleted_at=now, reason=reason))
        out.email(account.email, AccountDeletedEmailV1(deleted_at=now, reason=reason), account_id=account.id)
        await self._lifecycle.tombstone(account, now, reason, out.messages, warned_at=warned_at)
        logger.info("account %s deleted (%s)", account.id, reason)
        await self.finish(account.id, account.email, now)

    async def finish(self, account_id: str, email: str, now: datetime) -> None:
        # The existing revoke path: relying parties signed in through these sessions get their
        # back-channel logout from the delivery it wakes.
        closed = await self._sessions.revoke_all(account_id, now)
        await self._traces.erase(account_id, email)
        await self._lifecycle.mark_erased(account_id)
        logger.info("account %s: %d session(s) closed, traces erased", account_id, closed)


class FinishErasures:
    """The sweep finishing the tombstones a crash left `erased: false`."""

    def __init__(
        self,
        lifecycle: AccountLifecycle,
        erase: EraseAccount,
        clock: Callable[[], datetime],
        batch: int = BATCH,
    ) -> None:
        self._lifecycle = lifecycle
        self._erase = erase
        self._clock = clock
        self._batch = batch

    async def __call__(self) -> int:
        tombstones = await self._lifecycle.unerased(self._batch)
        for tombstone in tombstones:
            await self._erase.finish(tombstone.account_id, tombstone.email, self._clock())
        return len(tombstones)
