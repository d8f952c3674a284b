"""The organisations' users as a listing collection: one document per (organisation, person), indexed for pages.

A person is a user of an organisation when it is their own (their account copy's SIREN) or when they
hold an active habilitation on it (a delegate). The document carries what a page sorts and filters on:
the name keys, search words, and the active habilitations' role, establishment and last valid day.
It is derived data: `refresh(account_id)` recomputes all of one person's documents from the account
copy and the habilitations, and the account copies and habilitation repositories call it after each
write. Two writes for one person racing may leave the older view until that person's next write; the
aggregates stay the truth and `rebuild_if_empty` fills the collection on a database that predates it.
"""

import re
from typing import Any, Protocol

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection

from efp_runtime.mongo import IndexSpec
from habilitation.domain.habilitation import HabilitationState
from habilitation.domain.name_search import name_key, search_words
from habilitation.use_cases.organisation.ports import UsersPage, UsersQuery

COLLECTION = "organisation_users"
# The last valid day of a member, and of a habilitation without end date: ISO text compares as dates.
FOREVER = "9999-12-31"
SORT = [("last_key", ASCENDING), ("first_key", ASCENDING), ("account_id", ASCENDING)]
INDEXES = [
    # Every page: equality on the organisation, then the sort order (the cursor continues it).
    IndexSpec(COLLECTION, [("siren", 1), *SORT]),
    # The page's count, and its filter on a store whose planner cannot walk the index above under the
    # organisation's equality (SecantusDB is rule-based: equalities then one range, or a full scan).
    IndexSpec(COLLECTION, [("siren", 1), ("listed_until", 1)]),
    # Role and establishment filters (multikey on the held habilitations).
    IndexSpec(COLLECTION, [("siren", 1), ("held.role", 1), ("held.siret", 1)]),
    IndexSpec(COLLECTION, [("account_id", 1)]),
]
_ACTIVE = HabilitationState.ACTIVE.value


class RefreshesListing(Protocol):
    async def refresh(self, account_id: str) -> None: ...


class MongoOrganisationUsers:
    def __init__(
        self,
        listing: AsyncCollection[dict[str, Any]],
        accounts: AsyncCollection[dict[str, Any]],
        habilitations: AsyncCollection[dict[str, Any]],
    ) -> None:
        self._listing = listing
        self._accounts = accounts
        self._habilitations = habilitations

    async def page(self, query: UsersQuery) -> UsersPage:
        where = _filter(query)
        total = await self._listing.count_documents(where)
        if query.after is not None:
            where = {"$and": [where, _after(query.after)]}
        cursor = self._listing.find(where, {"account_id": 1, "last_key": 1, "first_key": 1}).sort(SORT)
        if query.limit is not None:
            cursor = cursor.limit(query.limit + 1)  # one more tells whether a next page exists
        docs = [doc async for doc in cursor]
        shown = docs[: query.limit] if query.limit is not None else docs
        more = query.limit is not None and len(docs) > query.limit
        last = shown[-1] if shown and more else None
        return UsersPage(
            account_ids=[d["account_id"] for d in shown],
            next_after=(last["last_key"], last["first_key"], last["account_id"]) if last else None,
            total=total,
        )

    async def matching(self, siren: str, q: str) -> list[str]:
        where = {"siren": siren, "words": {"$regex": f"^{re.escape(name_key(q))}"}}
        return [doc["account_id"] async for doc in self._listing.find(where, {"account_id": 1})]

    async def refresh(self, account_id: str) -> None:
        account = await self._accounts.find_one({"_id": account_id})
        held: dict[str, list[dict[str, str]]] = {}
        fields = {"siren": 1, "role": 1, "siret": 1, "end_date": 1}
        async for h in self._habilitations.find({"account_id": account_id, "state": _ACTIVE}, fields):
            held.setdefault(h["siren"], []).append(
                {"role": h["role"], "siret": h["siret"], "until": h["end_date"] or FOREVER}
            )
        own = (account or {}).get("siren")
        sirens = set(held) | ({own} if own else set())
        last, first = (account or {}).get("last_name", ""), (account or {}).get("first_name", "")
        email = name_key((account or {}).get("email") or "")
        for siren in sirens:
            grants = held.get(siren, [])
            until = FOREVER if siren == own else max(g["until"] for g in grants)
            document = {
                "siren": siren,
                "account_id": account_id,
                "last_key": name_key(last),
                "first_key": name_key(first),
                "words": [*search_words(last, first), *([email] if email else [])],
                "held": grants,
                "listed_until": until,
            }
            await self._listing.replace_one({"_id": f"{siren}:{account_id}"}, document, upsert=True)
        await self._listing.delete_many({"account_id": account_id, "siren": {"$nin": sorted(sirens)}})

    async def rebuild_if_empty(self) -> int:
        """Fill the listing of a database written before it existed; returns how many people were listed."""
        if await self._listing.find_one({}, {"_id": 1}) is not None:
            return 0
        people = {doc["_id"] async for doc in self._accounts.find({}, {"_id": 1})}
        people |= {h["account_id"] async for h in self._habilitations.find({"state": _ACTIVE}, {"account_id": 1})}
        for account_id in sorted(people):
            await self.refresh(account_id)
        return len(people)


def _filter(query: UsersQuery) -> dict[str, Any]:
    today = query.today.isoformat()
    where: dict[str, Any] = {"siren": query.siren}
    if query.role or query.siret:
        wanted: dict[str, Any] = {"until": {"$gte": today}}
        if query.role:
            wanted["role"] = query.role
        if query.siret:
            wanted["siret"] = query.siret
        where["held"] = {"$elemMatch": wanted}
    else:
        where["listed_until"] = {"$gte": today}
    if query.q and name_key(query.q):
        # An anchored regex without options is a prefix scan of the index on real MongoDB.
        where["words"] = {"$regex": f"^{re.escape(name_key(query.q))}"}
    return where


def _after(key: tuple[str, ...]) -> dict[str, Any]:
    """Strictly after (last_key, first_key, account_id) in the sort order: the keyset cursor."""
    last, first, account_id = key
    return {
        "$or": [
            {"last_key": {"$gt": last}},
            {"last_key": last, "first_key": {"$gt": first}},
            {"last_key": last, "first_key": first, "account_id": {"$gt": account_id}},
        ]
    }
