"""Fakes of the deletion ports: habilitation's blockers, the accounts' lifecycle, the erasure of traces."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from contracts.privacy import BlockingOrganisationV1, DeletionBlockersV1
from efp_runtime.outbox import OutboxMessage
from identity.domain.account import Account
from identity.domain.errors import Conflict
from identity.domain.privacy import BlockersUnavailable, InactiveAccount, Reason, Tombstone
from identity.fakes.accounts import (
    FakeAccountRepository,
    FakeLoginFailureLog,
    FakePasswordResetRepository,
    FakeRateLimiter,
    FakeSessionRepository,
)
from identity.fakes.oidc import FakeCodes, FakeTokens
from identity.fakes.registration import FakeRegistrationRepository
from identity.fakes.second_factor import FakeSecondFactorRepository


class FakeDeletionBlockers:
    """No organisation unless told: `blocking[account_id] = [(siren, name)]`; `down` answers nothing."""

    def __init__(self) -> None:
        self.blocking: dict[str, list[tuple[str, str | None]]] = {}
        self.down = False
        self.asked: list[str] = []

    async def of(self, account_id: str) -> DeletionBlockersV1:
        self.asked.append(account_id)
        if self.down:
            raise BlockersUnavailable()
        organisations = [BlockingOrganisationV1(siren=s, name=n) for s, n in self.blocking.get(account_id, [])]
        return DeletionBlockersV1(organisations=organisations)


class FakeAccountLifecycle:
    """Writes the lifecycle fields on FakeAccountRepository's stored accounts; a tombstone leaves them
    (so no look-up finds it) for `tombstones`, as the Mongo adapter's tombstone keeps no account field."""

    def __init__(self, accounts: FakeAccountRepository) -> None:
        self._accounts = accounts
        self.tombstones: dict[str, dict[str, Any]] = {}
        self.rewarn_at: dict[str, datetime] = {}
        self.logins_recorded = 0

    async def record_login(self, account_id: str, at: datetime) -> None:
        account = self._accounts.accounts.get(account_id)
        if account is not None:
            account.last_login_at, account.inactivity_warned_at = at, None
            self.rewarn_at.pop(account_id, None)
            self.logins_recorded += 1

    async def tombstone(
        self,
        account: Account,
        deleted_at: datetime,
        reason: Reason,
        messages: list[OutboxMessage],
        warned_at: datetime | None = None,
    ) -> None:
        stored = self._accounts.accounts.get(account.id)
        if stored is None or stored.version != account.version:
            raise Conflict()
        if warned_at is not None and stored.inactivity_warned_at != warned_at:
            raise Conflict()
        del self._accounts.accounts[account.id]
        self.tombstones[account.id] = {
            "state": "deleted",
            "deleted_at": deleted_at,
            "reason": reason,
            "erased": False,
            "erase_email": account.email,
        }
        self._accounts.outbox.extend(messages)

    async def mark_erased(self, account_id: str) -> None:
        tombstone = self.tombstones[account_id]
        tombstone["erased"] = True
        tombstone.pop("erase_email", None)

    async def unerased(self, limit: int) -> list[Tombstone]:
        return [Tombstone(i, t["erase_email"]) for i, t in self.tombstones.items() if not t["erased"]][:limit]

    async def to_warn(self, inactive_before: datetime, now: datetime, limit: int) -> list[InactiveAccount]:
        return [
            InactiveAccount(a.id, a.email, a.last_login_at)
            for a in self._accounts.accounts.values()
            if (a.last_login_at or a.created_at) < inactive_before
            and a.inactivity_warned_at is None
            and self.rewarn_at.get(a.id, now) <= now
        ][:limit]

    async def warned(
        self, account_id: str, at: datetime, last_login_at: datetime | None, messages: list[OutboxMessage]
    ) -> bool:
        account = self._accounts.accounts.get(account_id)
        if account is None or account.last_login_at != last_login_at or account.inactivity_warned_at is not None:
            return False
        account.inactivity_warned_at = at
        self.rewarn_at.pop(account_id, None)
        self._accounts.outbox.extend(messages)
        return True

    async def due_for_deletion(self, warned_before: datetime, limit: int) -> list[str]:
        return [
            a.id
            for a in self._accounts.accounts.values()
            if a.inactivity_warned_at is not None and a.inactivity_warned_at <= warned_before
        ][:limit]

    async def snooze(self, account_id: str, until: datetime) -> None:
        self._accounts.accounts[account_id].inactivity_warned_at = None
        self.rewarn_at[account_id] = until


@dataclass
class FakePersonalTraces:
    """Erases from the other fakes what the Mongo adapter erases from their collections."""

    sessions: FakeSessionRepository
    resets: FakePasswordResetRepository
    registrations: FakeRegistrationRepository
    failures: FakeLoginFailureLog
    limiter: FakeRateLimiter
    factors: FakeSecondFactorRepository
    codes: FakeCodes
    tokens: FakeTokens
    erased: list[str] = field(default_factory=list)

    async def erase(self, account_id: str, email: str) -> None:
        self.factors.factors.pop(account_id, None)
        self.codes.codes = {k: c for k, c in self.codes.codes.items() if c.account_id != account_id}
        self.tokens.tokens = {k: t for k, t in self.tokens.tokens.items() if t.account_id != account_id}
        for session in self.sessions.sessions.values():
            if session.account_id == account_id:
                session.ip = None
        self.resets.resets = {
            k: r for k, r in self.resets.resets.items() if r.account_id != account_id and r.email != email
        }
        self.registrations.registrations = {
            k: r for k, r in self.registrations.registrations.items() if r.email != email
        }
        self.failures.failures.pop(email, None)
        self.limiter.hits = {
            k: n for k, n in self.limiter.hits.items() if not k.endswith((f":{email}", f":{account_id}"))
        }
        self.erased.append(account_id)
