"""The organisations directory in MongoDB: `organisations` by SIREN, `establishments` by SIRET."""

import re
from collections.abc import Collection, Sequence
from typing import Any

from bson.regex import Regex
from pymongo import UpdateOne
from pymongo.asynchronous.collection import AsyncCollection

from efp_runtime.mongo import IndexSpec
from identity.domain.organisation import Establishment, Organisation, search_key

ORGANISATIONS = "organisations"
ESTABLISHMENTS = "establishments"
INDEXES = [
    # Word search: equality on the flag, then a range on the multikey terms (anchored prefixes use it).
    IndexSpec(ORGANISATIONS, [("offered", 1), ("terms", 1)]),
    # An organisation's open establishments in display order; also answers refresh_offered's distinct.
    IndexSpec(ESTABLISHMENTS, [("siren", 1), ("open", 1), ("head_office", -1), ("_id", 1)]),
]
_BY_NAME = [("name_key", 1), ("_id", 1)]
_DISPLAY_ORDER = [("head_office", -1), ("_id", 1)]


class MongoOrganisationDirectory:
    def __init__(
        self, organisations: AsyncCollection[dict[str, Any]], establishments: AsyncCollection[dict[str, Any]]
    ) -> None:
        self._organisations = organisations
        self._establishments = establishments

    async def upsert_organisations(self, organisations: Sequence[Organisation]) -> int:
        if not organisations:
            return 0
        requests = [
            UpdateOne(
                {"_id": organisation.siren},
                # `offered` belongs to the establishments' import: a new organisation waits for one.
                {"$set": _organisation_document(organisation), "$setOnInsert": {"offered": False}},
                upsert=True,
            )
            for organisation in organisations
        ]
        result = await self._organisations.bulk_write(requests, ordered=False)
        return result.upserted_count + result.modified_count

    async def upsert_establishments(self, establishments: Sequence[Establishment]) -> int:
        if not establishments:
            return 0
        requests = [
            UpdateOne({"_id": establishment.siret}, {"$set": _establishment_document(establishment)}, upsert=True)
            for establishment in establishments
        ]
        result = await self._establishments.bulk_write(requests, ordered=False)
        return result.upserted_count + result.modified_count

    async def refresh_offered(self, sirens: Collection[str]) -> None:
        if not sirens:
            return
        wanted = list(sirens)
        with_open = await self._establishments.distinct("siren", {"siren": {"$in": wanted}, "open": True})
        without_open = list(set(wanted) - set(with_open))
        # Conditional on the current value, so importing the same files again writes nothing.
        if with_open:
            await self._organisations.update_many(
                {"_id": {"$in": with_open}, "offered": {"$ne": True}}, {"$set": {"offered": True}}
            )
        if without_open:
            await self._organisations.update_many(
                {"_id": {"$in": without_open}, "offered": {"$ne": False}}, {"$set": {"offered": False}}
            )

    async def offered_organisations(self, sirens: Collection[str]) -> list[Organisation]:
        cursor = self._organisations.find({"_id": {"$in": list(sirens)}, "offered": True}).sort(_BY_NAME)
        return [_organisation(doc) async for doc in cursor]

    async def search_offered(
        self, words: Sequence[str], limit: int, after: tuple[str, str] | None = None
    ) -> list[Organisation]:
        where = _words_filter(words)
        if after is not None:
            name_key, siren = after
            where = {
                "$and": [
                    where,
                    {"$or": [{"name_key": {"$gt": name_key}}, {"name_key": name_key, "_id": {"$gt": siren}}]},
                ]
            }
        cursor = self._organisations.find(where).sort(_BY_NAME).limit(limit)
        return [_organisation(doc) async for doc in cursor]

    async def count_offered(self, words: Sequence[str], at_most: int) -> int:
        # `limit`: the server stops counting there instead of walking every match of a common prefix.
        return await self._organisations.count_documents(_words_filter(words), limit=at_most)

    async def get_establishment(self, siret: str) -> Establishment | None:
        doc = await self._establishments.find_one({"_id": siret})
        return _establishment(doc) if doc else None

    async def open_establishments(self, siren: str, limit: int) -> list[Establishment]:
        cursor = self._establishments.find({"siren": siren, "open": True}).sort(_DISPLAY_ORDER).limit(limit)
        return [_establishment(doc) async for doc in cursor]


def _words_filter(words: Sequence[str]) -> dict[str, Any]:
    # Every word must start one of the terms. Regex objects without flags, anchored with ^: real
    # MongoDB turns the first one into index bounds on `terms` (an $all uses its first element for the
    # index; the caller puts the longest word first), the others filter; SecantusDB evaluates the same query.
    prefixes = [Regex("^" + re.escape(word)) for word in words]
    return {"offered": True, "terms": {"$all": prefixes}}


def _organisation_document(organisation: Organisation) -> dict[str, Any]:
    return {
        "name": organisation.name,
        "name_key": search_key(organisation.name),
        "terms": organisation.terms,
        "acronym": organisation.acronym,
        "legal_category": organisation.legal_category,
        "active": organisation.active,
    }


def _organisation(doc: dict[str, Any]) -> Organisation:
    return Organisation(
        siren=doc["_id"],
        name=doc["name"],
        acronym=doc.get("acronym", ""),
        legal_category=doc.get("legal_category", ""),
        active=doc.get("active", True),
    )


def _establishment_document(establishment: Establishment) -> dict[str, Any]:
    return {
        "siren": establishment.siren,
        "name": establishment.name,
        "address": establishment.address,
        "postcode": establishment.postcode,
        "city": establishment.city,
        "open": establishment.open,
        "head_office": establishment.head_office,
        "commune_code": establishment.commune_code,
    }


def _establishment(doc: dict[str, Any]) -> Establishment:
    return Establishment(
        siret=doc["_id"],
        siren=doc["siren"],
        name=doc["name"],
        address=doc["address"],
        postcode=doc["postcode"],
        city=doc["city"],
        open=doc["open"],
        head_office=doc.get("head_office", False),
        commune_code=doc.get("commune_code", ""),
    )
