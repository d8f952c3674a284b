"""The port of the organisations' users listing; an adapter implements it."""

from dataclasses import dataclass
from datetime import date
from typing import Protocol


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
