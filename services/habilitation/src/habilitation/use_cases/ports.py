"""The ports of the habilitation use cases; adapters implement them."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from efp_runtime.outbox import OutboxMessage
from habilitation.domain.access_request import AccessRequest, RequestState
from habilitation.domain.habilitation import Habilitation
from habilitation.domain.manager_right import ManagerRight
from habilitation.use_cases.page_ports import EVERYTHING, RecordFilter, RecordPage


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

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class Establishment:
    siret: str
    siren: str
    name: str
    organisation_name: str


class Accounts(Protocol):
    async def get(self, account_id: str) -> AccountCopy | None: ...

    async def many(self, account_ids: list[str]) -> dict[str, AccountCopy]: ...

    async def of_organisation(self, siren: str) -> list[AccountCopy]: ...

    async def by_email(self, email: str) -> AccountCopy | None: ...

    async def save(self, account: AccountCopy) -> None: ...


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


@dataclass(frozen=True)
class UsersQuery:
    """One page of an organisation's users: its members and the holders of its habilitations."""

    siren: str
    today: date  # a habilitation past its end date neither lists nor matches anyone
    role: str | None = None  # holders of a habilitation with this role …
    siret: str | None = None  # … on this establishment (both: on one habilitation)
    q: str | None = None  # a prefix of a word of the last or first name, case and accents ignored
    after: tuple[str, ...] | None = None  # the sort key of the previous page's last user
    limit: int | None = None  # None: everyone


@dataclass(frozen=True)
class UsersPage:
    account_ids: list[str]  # by last name, first name, account id
    next_after: tuple[str, ...] | None
    total: int  # users matching the filters, every page together


class UserListing(Protocol):
    """The organisations' users as an indexed listing, so a page costs a page."""

    async def page(self, query: UsersQuery) -> UsersPage: ...

    async def matching(self, siren: str, q: str) -> list[str]:
        """The account ids of the organisation's people whose name or e-mail starts with `q` (any order)."""
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


class AccessRequests(Protocol):
    async def add(self, request: AccessRequest, messages: list[OutboxMessage]) -> None:
        """Raises Conflict if the account already has a pending request for this service and organisation."""
        ...

    async def get(self, request_id: str) -> AccessRequest | None: ...

    async def update(self, request: AccessRequest, messages: list[OutboxMessage]) -> None: ...

    async def of_account(self, account_id: str) -> list[AccessRequest]: ...

    async def of_organisation(
        self, siren: str, state: RequestState | None, filters: RecordFilter = EVERYTHING
    ) -> RecordPage[AccessRequest]:
        """Newest first, one page of them."""
        ...

    async def count_pending(self, sirens: list[str]) -> int: ...


class Clock(Protocol):
    def __call__(self) -> datetime: ...
