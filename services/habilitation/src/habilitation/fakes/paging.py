"""One page of records newest first, in memory: what the repositories' `newest_first` answers."""

from collections.abc import Callable
from typing import Any, TypeVar

from habilitation.domain.name_search import name_key, search_words
from habilitation.use_cases.paging import RecordFilter, RecordPage

T = TypeVar("T")


def newest_first(items: list[T], filters: RecordFilter, siret_of: Callable[[T], set[str]]) -> RecordPage[T]:
    def kept(item: Any) -> bool:
        if filters.siret and filters.siret not in siret_of(item):
            return False
        if filters.account_ids is not None and item.account_id not in filters.account_ids:
            return False
        if filters.q and filters.account_ids is None:  # invitations carry the name and e-mail
            words = [*search_words(item.last_name, item.first_name), item.email]
            return any(w.startswith(name_key(filters.q)) for w in words)
        return True

    found = sorted((i for i in items if kept(i)), key=lambda i: (i.created_at, i.id), reverse=True)  # type: ignore[attr-defined]
    total = len(found)
    if filters.after:
        found = [i for i in found if (i.created_at.isoformat(), i.id) < filters.after]  # type: ignore[attr-defined]
    if filters.limit is None or len(found) <= filters.limit:
        return RecordPage(found, None, total)
    last = found[filters.limit - 1]
    return RecordPage(found[: filters.limit], (last.created_at.isoformat(), last.id), total)  # type: ignore[attr-defined]
