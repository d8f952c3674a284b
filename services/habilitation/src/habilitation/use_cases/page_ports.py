"""What a paged list of an organisation's records asks its repository, and gets back (newest first)."""

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

NEWEST_FIRST_KEY_LENGTH = 2  # created_at (ISO), id
BAD_CURSOR = "Le curseur de pagination n'est pas valide : recommencez depuis la première page."


@dataclass(frozen=True)
class RecordFilter:
    siret: str | None = None  # on this establishment
    # The requesters' or invited people's account ids whose name matched (access requests), or the
    # text itself (invitations carry the invited name and e-mail).
    account_ids: list[str] | None = None
    q: str | None = None
    after: tuple[str, ...] | None = None  # (created_at ISO, id) of the previous page's last record
    limit: int | None = None  # None: all


EVERYTHING = RecordFilter()


@dataclass(frozen=True)
class RecordPage(Generic[T]):
    items: list[T]
    next_after: tuple[str, ...] | None
    total: int
