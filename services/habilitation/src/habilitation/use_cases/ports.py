"""The ports of the habilitation use cases; adapters implement them."""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from efp_runtime.outbox import OutboxMessage
from habilitation.domain.habilitation import Habilitation
from habilitation.domain.manager_right import ManagerRight


@dataclass(frozen=True)
class AccountCopy:
    """What this service knows of an account: a copy kept current by the identity service's events."""

    account_id: str
    email: str
    kind: str
    civility: str | None
    last_name: str
    first_name: str
    job_title: str | None = None
    phone: str | None = None
    siren: str | None = None
    # When the names, job and phone held here were current at identity (its event's time).
    profile_at: datetime | None = None
    # When the e-mail address held here was current at identity (creation, or its last change).
    email_at: datetime | None = None

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class Establishment:
    siret: str
    siren: str
    name: str
    organisation_name: str
    # Its postcode and INSEE commune code, whose département gives the région agents are scoped to (the
    # commune code when the directory has it: a postcode near a border can be the neighbouring département's).
    postcode: str = ""
    commune_code: str = ""


class Accounts(Protocol):
    async def get(self, account_id: str) -> AccountCopy | None: ...

    async def many(self, account_ids: list[str]) -> dict[str, AccountCopy]: ...

    async def of_organisation(self, siren: str) -> list[AccountCopy]: ...

    async def by_email(self, email: str) -> AccountCopy | None: ...

    async def save(self, account: AccountCopy) -> None:
        """Insert or update; never over a deleted account's tombstone (a late event brings nothing back)."""
        ...

    async def forget(self, account_id: str, deleted_at: datetime) -> None:
        """The account is deleted: its copy becomes `{account_id, deleted, deleted_at}` (the first date stays)."""
        ...

    async def deleted(self, account_id: str) -> bool:
        """True once `forget` was called: `get` then answers None, and nothing asks identity again."""
        ...


class Directory(Protocol):
    """The organisations directory of the identity service, asked over the bus."""

    async def establishment(self, siret: str) -> Establishment | None:
        """An open establishment by SIRET, or None."""
        ...

    async def establishments(self, siren: str) -> list[Establishment]:
        """The open establishments of an organisation."""
        ...


class Habilitations(Protocol):
    async def add(self, habilitation: Habilitation, messages: list[OutboxMessage]) -> None: ...

    async def get(self, habilitation_id: str) -> Habilitation | None: ...

    async def update(self, habilitation: Habilitation, messages: list[OutboxMessage]) -> None: ...

    async def of_account(self, account_id: str, active_only: bool = True) -> list[Habilitation]: ...

    async def of_organisation(
        self,
        siren: str,
        role: str | None = None,
        siret: str | None = None,
        active_only: bool = True,
        account_ids: list[str] | None = None,
    ) -> list[Habilitation]:
        """`account_ids`: only these holders' (one page of users)."""
        ...


class ManagerRights(Protocol):
    async def get(self, account_id: str, siren: str) -> ManagerRight | None: ...

    async def save(self, right: ManagerRight, messages: list[OutboxMessage]) -> None:
        """Insert or update (version-checked)."""
        ...

    async def withdraw(self, right: ManagerRight, messages: list[OutboxMessage]) -> None:
        """Save a withdrawal only while another access manager of the organisation stays active.

        Raises LastManager otherwise, Conflict if the right was saved meanwhile: two managers
        withdrawing each other at the same moment cannot both succeed.
        """
        ...

    async def managers_of(self, siren: str) -> list[ManagerRight]:
        """The active access managers of an organisation."""
        ...

    async def holders_of(self, siren: str) -> list[ManagerRight]:
        """The rights held on an organisation: its active managers and those appointed, charter not accepted yet."""
        ...

    async def managed_by(self, account_id: str) -> list[str]:
        """The SIRENs this account holds the right for (charter accepted or not yet)."""
        ...

    async def of_account(self, account_id: str) -> list[ManagerRight]:
        """Every right of the account, withdrawn ones too (its export)."""
        ...


class Clock(Protocol):
    def __call__(self) -> datetime: ...
