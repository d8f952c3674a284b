"""The one shape of every list the API answers, `{items, next_cursor, total}`, and its opaque cursor.

A cursor is the sort key of the last item of a page (URL-safe base64 of a JSON list of strings): the
next page starts strictly after it, so pages stay right while items are added or removed (an offset
would skip or repeat them). Only the service that sorts knows what the key means; the gateway checks
the cursor's form and answers 422 `validation_error` for one it did not give.
"""

import base64
import binascii
import json
from collections.abc import Sequence
from typing import Annotated, Generic, TypeVar

from fastapi import Query
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
_MAX_CURSOR_CHARS = 2048

Limit = Annotated[
    int, Query(ge=1, le=MAX_LIMIT, description=f"Éléments par page ({DEFAULT_LIMIT} par défaut, {MAX_LIMIT} au plus).")
]
Cursor = Annotated[
    str | None, Query(max_length=_MAX_CURSOR_CHARS, description="Le `next_cursor` de la page précédente.")
]

Search = Annotated[
    str | None, Query(max_length=100, description="Début d'un mot du nom, du prénom ou de l'adresse e-mail.")
]


def compact(siret: str | None) -> str | None:
    """A SIRET as typed (« 000 016 220 00014 ») to its 14 digits; empty means no filter."""
    return "".join(siret.split()) or None if siret else None


def search_text(q: str | None) -> str | None:
    return q.strip() or None if q else None


class Page(BaseModel, Generic[T]):
    """One page of a list: `next_cursor` asks for the next one (null on the last page); `total` counts
    every item matching the filters, all pages together."""

    model_config = ConfigDict(frozen=True)

    items: list[T]
    next_cursor: str | None = None
    total: int


def next_page(items: list[T], next_after: Sequence[str] | None, total: int | None) -> Page[T]:
    """A page of a service's list: its next sort key as the cursor; an older reply without a total is one page."""
    return Page(items=items, next_cursor=encode_cursor(next_after), total=total or 0)


def encode_cursor(key: Sequence[str] | None) -> str | None:
    if key is None:
        return None
    raw = json.dumps(list(key), ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, length: int) -> list[str] | None:
    """The sort key a cursor carries, which must have `length` parts; 422 for anything else."""
    if cursor is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key = json.loads(raw.decode())
    except (binascii.Error, ValueError):
        key = None
    if not isinstance(key, list) or len(key) != length or not all(isinstance(part, str) for part in key):
        raise invalid_cursor()
    return key


def invalid_cursor() -> RequestValidationError:
    """The 422 of a cursor the gateway did not give (French message in `problems`)."""
    return RequestValidationError([{"type": "cursor_invalid", "loc": ("query", "cursor"), "msg": "bad cursor"}])
