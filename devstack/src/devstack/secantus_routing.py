"""Index routing that SecantusDB 0.7.0b3 lacks for filters with operators (`$and`, `$or`), added by devstack.

SecantusDB finds the candidates of a filter through an index (`Storage._try_index_id_keys`) unless the filter
has a top-level key starting with `$`: then it reads the whole collection (measured 2026-12-07 by counting the
documents its scans read). That hit more than the queries that write `$or`:

- its findAndModify writes through `{"_id": <the document it found>, "$and": [<query>]}`, so every
  `find_one_and_update` (the rate-limit counters, the captcha's single use, the codes) read its whole
  collection: 9.6 ms of the store's CPU at 500 documents of 8 KB, 80 ms at 5,000; 1 ms routed;
- a list's next page (`{"$and": [<filter>, <keyset cursor's $or>]}`), a search by name or e-mail, the
  expired invitations, an update naming the `_id` beside an `$or` (the TOTP step).

MongoDB plans each of these on an index. Routed here as it would: an `_id` equality fetches that document;
else the plain part of the filter, or one member of an `$and`, that an index serves gives the candidates;
an `$or` alone, the union of its branches' when an index serves every branch. Callers apply the whole
filter to each candidate (`matches`, in every read and write path), so only what is read changes, never
what is found. Explain (`_pick_index_for_filter`) names the index chosen the same way.
"""

from collections.abc import Callable
from typing import Any

from secantus.storage import Storage, _id_point_lookup_keys

Filter = dict[str, Any]
# The storage's own lookup of one filter, or None when no index serves it (then it reads the collection).
Lookup = Callable[[Filter], Any]


def narrowest(filter: Filter, lookup: Lookup, *, union: bool = True) -> Any:
    """What `lookup` gives for the part of `filter` routed as the module says (None: read the collection).
    `union`: whether an `$or`'s branches may be looked up one by one and their candidates joined."""
    if "_id" in filter and len(filter) > 1 and _id_point_lookup_keys(filter["_id"]) is not None:
        return lookup({"_id": filter["_id"]})
    operators = [key for key in filter if key.startswith("$")]
    if not operators:
        return lookup(filter)
    plain = {key: value for key, value in filter.items() if not key.startswith("$")}
    conjunction = filter.get("$and")
    members: list[Any] = conjunction if isinstance(conjunction, list) else []
    for part in (plain, *members):
        if isinstance(part, dict) and part:
            found = narrowest(part, lookup, union=union)
            if found is not None:
                return found
    branches = filter.get("$or")
    if union and operators == ["$or"] and not plain and isinstance(branches, list) and branches:
        joined: list[Any] = []
        for branch in branches:
            found = narrowest(branch, lookup) if isinstance(branch, dict) and branch else None
            if found is None:
                return None
            joined.extend(found)
        return list(dict.fromkeys(joined))
    return None


def routed(original: Any, *, union: bool = True) -> Any:
    """`original` (the lookup, or explain's picker) behind `narrowest`. Explain passes `union=False`: an
    `$or`'s union is reported as the collection scan it replaces (one index cannot name it)."""

    def routed_call(self: Storage, db: str, coll: str, filter: Filter, *, collation: Any = None) -> Any:
        def lookup(part: Filter) -> Any:
            return original(self, db, coll, part, collation=collation)

        return narrowest(filter, lookup, union=union)

    return routed_call


def route_operator_filters() -> None:
    Storage._try_index_id_keys = routed(Storage._try_index_id_keys)
    Storage._pick_index_for_filter = routed(Storage._pick_index_for_filter, union=False)
