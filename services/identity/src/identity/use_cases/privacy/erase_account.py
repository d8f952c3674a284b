"""The deletion itself, the same for a request and for inactivity: sessions closed, tombstone, traces erased.

The tombstone's write is the commit point: it carries `identity.account.deleted.v1` and the last e-mail
in its outbox. The erasure after it is idempotent and marked done on the tombstone; a crash in between
is finished by the sweep (FinishErasures).
"""

import logging
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
        # The existing revoke path: relying parties signed in through these sessions get their
        # back-channel logout from the delivery it wakes.
        closed = await self._sessions.revoke_all(account.id, now)
        out = Outgoing(PRODUCER, context)
        out.event(AccountDeletedV1(account_id=account.id, email=account.email, deleted_at=now, reason=reason))
        out.email(account.email, AccountDeletedEmailV1(deleted_at=now, reason=reason), account_id=account.id)
        await self._lifecycle.tombstone(account, now, reason, out.messages, warned_at=warned_at)
        logger.info("account %s deleted (%s), %d session(s) closed", account.id, reason, closed)
        await self.finish(account.id, account.email)

    async def finish(self, account_id: str, email: str) -> None:
        await self._traces.erase(account_id, email)
        await self._lifecycle.mark_erased(account_id)


class FinishErasures:
    """The sweep finishing the tombstones a crash left `erased: false`."""

    def __init__(self, lifecycle: AccountLifecycle, erase: EraseAccount, batch: int = BATCH) -> None:
        self._lifecycle = lifecycle
        self._erase = erase
        self._batch = batch

    async def __call__(self) -> int:
        tombstones = await self._lifecycle.unerased(self._batch)
        for tombstone in tombstones:
            await self._erase.finish(tombstone.account_id, tombstone.email)
            logger.info("account %s: erasure finished", tombstone.account_id)
        return len(tombstones)
