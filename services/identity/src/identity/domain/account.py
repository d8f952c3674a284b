"""Account: a person's single EFP Connect login (a user of an organisation, or a ministry agent)."""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from identity.domain.email_change import PendingEmailChange


class AccountKind(StrEnum):
    USER = "user"
    AGENT = "agent"


# The ministry's services an agent may belong to (guide: DGEFP, DREETS/DRIETS/DEETS, DDETS/DDETSPP).
AGENT_SERVICES = ("DGEFP", "DREETS", "DRIETS", "DEETS", "DDETS", "DDETSPP")


@dataclass(frozen=True)
class AccountCreated:
    account_id: str


@dataclass(frozen=True)
class ProfileUpdated:
    account_id: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class PasswordChanged:
    account_id: str


@dataclass(frozen=True)
class EmailChanged:
    account_id: str
    old_email: str
    new_email: str


AccountEvent = AccountCreated | ProfileUpdated | PasswordChanged | EmailChanged

PROFILE_FIELDS = ("civility", "last_name", "first_name", "job_title", "phone")


@dataclass(frozen=True)
class Change:
    at: datetime
    what: str


@dataclass
class Account:
    id: str
    email: str
    kind: AccountKind
    password_hash: str | None
    civility: str | None
    last_name: str
    first_name: str
    created_at: datetime
    job_title: str | None = None
    phone: str | None = None
    siren: str | None = None
    # Agents: their service (DGEFP, DREETS…) and region.
    agent_service: str | None = None
    region: str | None = None
    registration_id: str | None = None
    # A new address waiting for its code (use_cases.email_change); None when no change is under way.
    pending_email_change: PendingEmailChange | None = None
    # Written by the login and the inactivity sweep only (domain.privacy), never by the account's writes.
    last_login_at: datetime | None = None
    inactivity_warned_at: datetime | None = None
    version: int = 0
    history: list[Change] = field(default_factory=list)
    events: list[AccountEvent] = field(default_factory=list)

    @classmethod
    def open(cls, **fields: object) -> "Account":
        account = cls(**fields)  # type: ignore[arg-type]
        account.history.append(Change(account.created_at, "created"))
        account.events.append(AccountCreated(account.id))
        return account

    def update_profile(self, changes: dict[str, str | None], now: datetime) -> tuple[str, ...]:
        """Apply validated profile changes; returns the fields that really changed."""
        changed = tuple(name for name in PROFILE_FIELDS if name in changes and changes[name] != getattr(self, name))
        for name in changed:
            setattr(self, name, changes[name])
        if changed:
            self.history.append(Change(now, "profile: " + ", ".join(changed)))
            self.events.append(ProfileUpdated(self.id, changed))
        return changed

    def change_password(self, password_hash: str, now: datetime) -> None:
        self.password_hash = password_hash
        self.history.append(Change(now, "password changed"))
        self.events.append(PasswordChanged(self.id))

    def change_email(self, now: datetime) -> None:
        """The pending change's address, proved by its code, becomes the login; the change is done."""
        assert self.pending_email_change is not None
        old, self.email = self.email, self.pending_email_change.new_email
        self.pending_email_change = None
        self.history.append(Change(now, "email changed"))
        self.events.append(EmailChanged(self.id, old, self.email))
