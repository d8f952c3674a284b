"""The store devstack starts (SecantusDB, through devstack.secantus_server) writes a document named by its
`_id` without reading the rest of its collection, as MongoDB does.

SecantusDB 0.7.0b3 read every document of the collection for each `find_one_and_update` (the counters, the
captcha's single use, the codes), and for an update whose filter names the `_id` beside an operator such as
`$or` (the TOTP step): its cost grew with the collection. The launcher routes those writes through the `_id`
(`routed_by_id`); these tests run a real SecantusDB server in this process, count the documents its write
path reads, and check that the answers stay those of the whole filter.
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

from devstack.processes import free_port
from devstack.secantus_server import routed_by_id

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
def routed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Storage, "_try_index_id_keys", routed_by_id(Storage._try_index_id_keys))


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


def test_the_store_unrouted_reads_the_whole_collection_for_the_same_write(
    captchas: Collection[dict[str, Any]], scans: Counter[str]
) -> None:
    """Why the launcher routes: when this fails, SecantusDB fetches by `_id` itself and `routed_by_id` can go."""
    assert captchas.find_one_and_update({"_id": "7", "used_at": None}, {"$set": {"used_at": "now"}}) is not None
    assert scans["captchas"] == DOCUMENTS
