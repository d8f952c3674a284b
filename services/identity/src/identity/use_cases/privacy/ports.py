"""What deleting an account needs from the outside: habilitation's answer, the accounts' lifecycle, the traces."""

from datetime import datetime
from typing import Protocol

from contracts.privacy import DeletionBlockersV1
from efp_runtime.outbox import OutboxMessage
from identity.domain.account import Account
from identity.domain.privacy import InactiveAccount, Reason, Tombstone


class DeletionBlockers(Protocol):
    async def of(self, account_id: str) -> DeletionBlockersV1:
        """The organisations the account is the last access manager of (habilitation, over RPC)."""
        ...


class AccountLifecycle(Protocol):
    """The writes of an account's life that are not the account aggregate's: its logins, its inactivity
    warnings, its tombstone."""

    async def record_login(self, account_id: str, at: datetime) -> None:
        """`last_login_at` = at; a pending inactivity warning is withdrawn."""
        ...

    async def tombstone(
        self,
        account: Account,
        deleted_at: datetime,
        reason: Reason,
        messages: list[OutboxMessage],
        warned_at: datetime | None = None,
    ) -> None:
        """Replace the account by its tombstone with `messages` in its outbox, if nobody wrote the account
        since it was read (version), else Conflict; with `warned_at`, only if that warning still stands
        (no login since)."""
        ...

    async def mark_erased(self, account_id: str) -> None:
        """Every other trace is erased: the tombstone forgets the address."""
        ...

    async def unerased(self, limit: int) -> list[Tombstone]: ...

    async def to_warn(self, inactive_before: datetime, now: datetime, limit: int) -> list[InactiveAccount]:
        """Accounts without a login (else since their creation) before `inactive_before`, not warned, and
        not snoozed past `now`."""
        ...

    async def warned(
        self, account_id: str, at: datetime, last_login_at: datetime | None, messages: list[OutboxMessage]
    ) -> bool:
        """Record the warning with its e-mail in the outbox, only if no login came since `last_login_at`."""
        ...

    async def due_for_deletion(self, warned_before: datetime, limit: int) -> list[str]:
        """Accounts warned before `warned_before` and not logged in since."""
        ...

    async def snooze(self, account_id: str, until: datetime) -> None:
        """Withdraw the warning; warn again only after `until`."""
        ...


class PersonalTraces(Protocol):
    async def erase(self, account_id: str, email: str) -> None:
        """Erase or delete everything but the account that names the person: second factors, password
        resets, registrations of the address, login failures and rate-limit counters keyed by it, OpenID
        Connect codes and tokens, the sessions' IP addresses. Idempotent."""
        ...
