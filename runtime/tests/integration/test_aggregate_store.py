"""AggregateStore.update on the real MongoDB-wire server: the version check inside the write, all or nothing."""

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any, ClassVar

import pytest
from pymongo import monitoring
from pymongo.asynchronous.collection import AsyncCollection

from contracts.base import Command
from devstack.pytest_plugin import Infrastructure
from efp_runtime.aggregate_store import UNSET, AggregateStore, StaleAggregate
from efp_runtime.message_context import MessageContext
from efp_runtime.mongo import create_mongo_client
from efp_runtime.outbox import OUTBOX_FIELD, Outgoing

pytestmark = pytest.mark.integration


class UpdateFilters(monitoring.CommandListener):
    """The filters of the update commands this client sends."""

    def __init__(self) -> None:
        self.filters: list[dict[str, Any]] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.command_name == "update":
            self.filters += [statement["q"] for statement in event.command["updates"]]

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None: ...

    def failed(self, event: monitoring.CommandFailedEvent) -> None: ...


@pytest.fixture
async def filters() -> UpdateFilters:
    return UpdateFilters()


@pytest.fixture
async def collection(
    infrastructure: Infrastructure, filters: UpdateFilters
) -> AsyncIterator[AsyncCollection[dict[str, Any]]]:
    client = create_mongo_client(infrastructure.mongodb_url, event_listeners=[filters])
    yield client[f"{infrastructure.database_prefix}aggregates"][f"things_{uuid.uuid4().hex[:6]}"]
    await client.close()


class DoThingV1(Command):
    MESSAGE_TYPE: ClassVar[str] = "test.thing.do.v1"
    n: int


def messages(how_many: int) -> list[Any]:
    outgoing = Outgoing("test", MessageContext.fresh())
    for n in range(how_many):
        outgoing.command(DoThingV1(n=n), "test.things")
    return outgoing.messages


async def test_a_save_over_the_read_version_sets_removes_and_appends_to_the_outbox_in_one_write(
    collection: AsyncCollection[dict[str, Any]], filters: UpdateFilters
) -> None:
    store = AggregateStore(collection, relay=None)
    first = messages(1)
    await store.insert("t1", {"state": "pending", "key": "k", "note": "n"}, first)
    then = datetime(2026, 12, 7, 10, 30, tzinfo=UTC)
    second = messages(2)
    await store.update("t1", 1, {"state": "refused", "key": UNSET, "reason": "$non, merci", "at": then}, second)
    doc = await collection.find_one({"_id": "t1"})
    assert doc is not None
    outbox = [m["message_id"] for m in doc.pop(OUTBOX_FIELD)]
    # A value beginning with `$` is stored as it is (a literal, not a field path); untouched fields stay.
    assert doc == {"_id": "t1", "state": "refused", "reason": "$non, merci", "at": then, "note": "n", "version": 2}
    assert outbox == [m.message_id for m in [*first, *second]]
    # Found by its `_id` alone: SecantusDB plans any other filter first.
    assert filters.filters == [{"_id": "t1"}]


async def test_a_save_over_a_version_that_moved_on_is_refused_and_changes_nothing(
    collection: AsyncCollection[dict[str, Any]],
) -> None:
    store = AggregateStore(collection, relay=None)
    await store.insert("t1", {"state": "pending", "key": "k"}, [])
    await store.update("t1", 1, {"state": "accepted", "key": "k"}, [])
    before = await collection.find_one({"_id": "t1"})
    with pytest.raises(StaleAggregate):
        await store.update("t1", 1, {"state": "refused", "key": UNSET}, messages(1))
    # Neither the removal, nor the fields, nor the outbox: the write that lost the race left no trace.
    assert await collection.find_one({"_id": "t1"}) == before


async def test_saving_a_document_that_is_not_there_is_refused_and_creates_nothing(
    collection: AsyncCollection[dict[str, Any]],
) -> None:
    store = AggregateStore(collection, relay=None)
    with pytest.raises(StaleAggregate):
        await store.update("missing", 1, {"state": "refused"}, [])
    assert await collection.count_documents({}) == 0


async def test_a_dotted_or_reserved_field_name_is_refused_before_any_write(
    collection: AsyncCollection[dict[str, Any]],
) -> None:
    store = AggregateStore(collection, relay=None)
    await store.insert("t1", {"profile": {"name": "a"}}, [])
    for fields in ({"profile.name": "b"}, {"version": 7}, {"$where": "x"}):
        with pytest.raises(ValueError, match="top-level"):
            await store.update("t1", 1, fields, [])
    assert await collection.find_one({"_id": "t1"}) == {
        "_id": "t1",
        "profile": {"name": "a"},
        "version": 1,
        "outbox": [],
    }
