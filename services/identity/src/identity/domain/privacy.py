"""A person's account deleted, by request or after years without a login: the rules, without I/O.

Deletion replaces the account by a tombstone `{_id, state: "deleted", deleted_at, reason, erased}` (the
address kept as `erase_email` only until every other trace of it is erased). An account without a login
for INACTIVE_AFTER is warned; NOTICE later, with still no login, it is deleted, unless its person is the
last access manager of an organisation: then the warning is withdrawn and given again a year later.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from contracts.errors import ErrorCode
from identity.domain.account import Account
from identity.domain.errors import IdentityError

Reason = Literal["requested", "inactive"]
DELETED = "deleted"
INACTIVE_AFTER = timedelta(days=1095)
NOTICE = timedelta(days=30)
# A blocked deletion (last access manager) is looked at again, with a new warning, this much later.
REWARN_AFTER = timedelta(days=365)
# A login writes `last_login_at` only when it moved this much: most logins then write nothing more.
LOGIN_RECORD_INTERVAL = timedelta(days=1)
WRONG_PASSWORD = "Le mot de passe est incorrect."  # noqa: S105 (the message, not a password)


class LastManager(IdentityError):
    code = ErrorCode.LAST_MANAGER


class BlockersUnavailable(IdentityError):
    """Habilitation did not say whether the person is the last access manager of an organisation."""

    code = ErrorCode.SERVICE_UNAVAILABLE
    detail = "La suppression du compte est momentanément impossible. Veuillez réessayer plus tard."


def last_manager(siren: str, name: str | None) -> LastManager:
    """The refusal naming the first organisation the person is the last access manager of."""
    named = f"{name} (SIREN {siren})" if name else f"l'organisation SIREN {siren}"
    return LastManager(
        f"Vous êtes le dernier gestionnaire d'accès de {named}. "
        "Désignez un autre gestionnaire d'accès avant de supprimer votre compte.",
        extra={"siren": siren},
    )


def login_worth_recording(account: Account, now: datetime) -> bool:
    """Whether this login must be written down: a pending warning to withdraw, or the last one is old."""
    if account.inactivity_warned_at is not None or account.last_login_at is None:
        return True
    return now - account.last_login_at >= LOGIN_RECORD_INTERVAL


@dataclass(frozen=True)
class InactivityRules:
    inactive_after: timedelta = INACTIVE_AFTER
    notice: timedelta = NOTICE
    rewarn_after: timedelta = REWARN_AFTER

    def inactive_before(self, now: datetime) -> datetime:
        """Accounts whose last login (or creation) is before this are inactive."""
        return now - self.inactive_after

    def delete_on(self, warned_at: datetime) -> datetime:
        return warned_at + self.notice


@dataclass(frozen=True)
class InactiveAccount:
    """An account to warn: where, and its last login (None: never, since it was created)."""

    account_id: str
    email: str
    last_login_at: datetime | None


@dataclass(frozen=True)
class Tombstone:
    """A deleted account whose traces are not all erased yet (a crash between the two writes)."""

    account_id: str
    email: str
