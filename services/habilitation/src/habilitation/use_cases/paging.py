"""What a paged list of an organisation's records asks its repository, and gets back (newest first)."""

from dataclasses import dataclass
from typing import Generic, TypeVar

from habilitation.domain.errors import InvalidInput

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


def cursor(after: list[str] | None, length: int = NEWEST_FIRST_KEY_LENGTH) -> tuple[str, ...] | None:
    """The sort key a page starts after, as the client sent it back; one of the wrong length is refused."""
    if after is None:
        return None
    if len(after) != length:
        raise InvalidInput(BAD_CURSOR, field="cursor")
    return tuple(after)


def next_cursor(key: tuple[str, ...] | None) -> list[str] | None:
    """What the client sends back for the next page; None on the last one."""
    return list(key) if key else None
