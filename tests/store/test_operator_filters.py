"""The store devstack starts (SecantusDB, through devstack.secantus_server) serves a filter with operators
through an index, as MongoDB does, instead of reading its whole collection.

SecantusDB 0.7.0b3 read every document of the collection for any filter with a top-level `$and` or `$or`:
each `find_one_and_update` (it writes through one: the counters, the captcha's single use, the codes), an
update naming the `_id` beside an `$or` (the TOTP step), a list's next page (its keyset cursor), the expired
invitations, a search by name or e-mail. Their cost grew with the collection. The launcher routes them
(devstack.secantus_routing); these tests run a real SecantusDB server in this process, count the documents
its scans read, and check that the answers stay those of the whole filter.
"""

import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

import pytest
from pymongo import MongoClient, ReturnDocument
from pymongo.collection import Collection
from secantus.server import SecantusDBServer
from secantus.storage import Storage

from devstack import secantus_routing
from devstack.processes import free_port

pytestmark = pytest.mark.integration
DOCUMENTS = 200


@pytest.fixture
def scans(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Documents read by whole-collection scans, by collection."""
    read: Counter[str] = Counter()
    scan = Storage._scan_docs

    def counted(self: Storage, db: str, coll: str) -> Iterable[tuple[int, bytes, bytes]]:
        for row in scan(self, db, coll):
            read[coll] += 1
            yield row

    monkeypatch.setattr(Storage, "_scan_docs", counted)
    return read


@pytest.fixture
def store() -> Iterator[MongoClient[dict[str, Any]]]:
    port = free_port()
    with tempfile.TemporaryDirectory() as path:
        server = SecantusDBServer("127.0.0.1", port, path, ttl_sweep_seconds=3600)
        server.start()
        client: MongoClient[dict[str, Any]] = MongoClient(
            f"mongodb://127.0.0.1:{port}/?retryWrites=false&directConnection=true"
        )
        try:
            yield client
        finally:
            client.close()
            server.stop()


@pytest.fixture
def captchas(store: MongoClient[dict[str, Any]]) -> Collection[dict[str, Any]]:
    collection = store.bench.captchas
    collection.insert_many([{"_id": str(n), "used_at": None, "answer": f"A{n}"} for n in range(DOCUMENTS)])
    return collection


@pytest.fixture
def invitations(store: MongoClient[dict[str, Any]]) -> Collection[dict[str, Any]]:
    """Ten organisations' invitations, each `created_at` shared by two (a keyset cursor's ties)."""
    collection = store.bench.invitations
    collection.create_index([("siren", 1), ("created_at", -1), ("_id", -1)])
    collection.create_index([("account_id", 1), ("created_at", -1)])
    collection.create_index([("invited_by", 1), ("created_at", -1)])
    states = ("sent", "expired", "accepted")
    collection.insert_many(
        [
            {
                "_id": f"{n:04}",
                "siren": f"s{n % 10}",
                "state": states[n % 3],
                "expires_at": n % 7,
                "created_at": n // 2,
                "account_id": f"a{n}",
                "invited_by": f"m{n % 5}",
            }
            for n in range(DOCUMENTS)
        ]
    )
    return collection


@pytest.fixture
def routed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Storage, "_try_index_id_keys", secantus_routing.routed(Storage._try_index_id_keys))
    monkeypatch.setattr(
        Storage, "_pick_index_for_filter", secantus_routing.routed(Storage._pick_index_for_filter, union=False)
    )


def found(collection: Collection[dict[str, Any]], filter: dict[str, Any]) -> list[str]:
    return [doc["_id"] for doc in collection.find(filter).sort([("created_at", -1), ("_id", -1)])]


def by_hand(collection: Collection[dict[str, Any]], keep: Any) -> list[str]:
    """What the filter means, from every document read here."""
    every = sorted(collection.find(), key=lambda doc: (doc["created_at"], doc["_id"]), reverse=True)
    return [doc["_id"] for doc in every if keep(doc)]


@pytest.mark.usefixtures("routed")
def test_a_conditional_find_one_and_update_reads_only_its_document_and_keeps_its_condition(
    captchas: Collection[dict[str, Any]], scans: Counter[str]
) -> None:
    used = {"$set": {"used_at": "now"}}
    first = captchas.find_one_and_update({"_id": "7", "used_at": None}, used)
    second = captchas.find_one_and_update({"_id": "7", "used_at": None}, used)
    assert first is not None
    assert first["answer"] == "A7"
    assert second is None  # used up by the first: the condition still decides
    assert scans["captchas"] == 0
    assert captchas.count_documents({"used_at": "now"}) == 1  # (a count reads them all)


@pytest.mark.usefixtures("routed")
def test_counters_upsert_and_count_without_reading_the_collection(
    captchas: Collection[dict[str, Any]], scans: Counter[str]
) -> None:
    counters = captchas.database.counters
    counters.insert_many([{"_id": f"key-{n}", "count": 1} for n in range(DOCUMENTS)])
    hit = {"$inc": {"count": 1}}
    new = counters.find_one_and_update({"_id": "fresh"}, hit, upsert=True, return_document=ReturnDocument.AFTER)
    again = counters.find_one_and_update({"_id": "key-3"}, hit, upsert=True, return_document=ReturnDocument.AFTER)
    assert new == {"_id": "fresh", "count": 1}
    assert again == {"_id": "key-3", "count": 2}
    assert scans["counters"] == 0
    assert counters.count_documents({}) == DOCUMENTS + 1


@pytest.mark.usefixtures("routed")
def test_an_update_naming_the_id_beside_an_or_is_applied_only_where_the_whole_filter_matches(
    captchas: Collection[dict[str, Any]], scans: Counter[str]
) -> None:
    captchas.update_one({"_id": "9"}, {"$set": {"step": 5}})
    scans.clear()

    def later_step(step: int) -> int:
        accepted = {"_id": "9", "$or": [{"step": None}, {"step": {"$lt": step}}]}
        return captchas.update_one(accepted, {"$set": {"step": step}}).modified_count

    assert later_step(4) == 0  # an older step than the one stored: refused
    assert later_step(6) == 1
    assert captchas.find_one({"_id": "9"}, {"_id": 0, "step": 1}) == {"step": 6}
    assert scans["captchas"] == 0


@pytest.mark.usefixtures("routed")
def test_a_next_page_an_or_beside_an_organisation_and_an_or_alone_read_only_what_their_indexes_give(
    invitations: Collection[dict[str, Any]], scans: Counter[str]
) -> None:
    after = {"$or": [{"created_at": {"$lt": 40}}, {"created_at": 40, "_id": {"$lt": "0081"}}]}
    next_page = {"$and": [{"siren": "s1"}, after]}
    expired = {"siren": "s2", "$or": [{"state": "expired"}, {"state": "sent", "expires_at": {"$lte": 3}}]}
    of_person = {"$or": [{"account_id": "a12"}, {"invited_by": "a12"}, {"invited_by": "m3"}]}
    pages = [found(invitations, f) for f in (next_page, expired, of_person)]
    assert scans["invitations"] == 0
    assert pages == [
        by_hand(invitations, lambda d: d["siren"] == "s1" and (d["created_at"], d["_id"]) < (40, "0081")),
        by_hand(
            invitations,
            lambda d: (
                d["siren"] == "s2" and (d["state"] == "expired" or (d["state"] == "sent" and d["expires_at"] <= 3))
            ),
        ),
        by_hand(invitations, lambda d: d["account_id"] == "a12" or d["invited_by"] in ("a12", "m3")),
    ]
    assert all(pages)
    plan = invitations.find(expired).explain()["queryPlanner"]["winningPlan"]
    assert "siren_1_created_at_-1__id_-1" in str(plan)


@pytest.mark.usefixtures("routed")
def test_an_or_with_a_branch_no_index_serves_is_still_answered_whole(
    invitations: Collection[dict[str, Any]], scans: Counter[str]
) -> None:
    either = {"$or": [{"account_id": "a12"}, {"state": "accepted"}]}  # no index on `state` alone
    answer = found(invitations, either)
    assert scans["invitations"] == DOCUMENTS  # read whole, as before
    assert answer == by_hand(invitations, lambda d: d["account_id"] == "a12" or d["state"] == "accepted")


def test_the_store_unrouted_reads_the_whole_collection_for_the_same_write(
    captchas: Collection[dict[str, Any]], scans: Counter[str]
) -> None:
    """Why the launcher routes: when this fails, SecantusDB fetches by `_id` itself and `routed_by_id` can go."""
    assert captchas.find_one_and_update({"_id": "7", "used_at": None}, {"$set": {"used_at": "now"}}) is not None
    assert scans["captchas"] == DOCUMENTS
