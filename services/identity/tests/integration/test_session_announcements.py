"""Every write that ends a session announces it (`identity.session.changed.v1`, the account's id) from the
ended session's outbox, on the real store, and asks the relay to publish it at once: the gateway's cache
of session answers drops the account's on it. A write that ends nothing announces nothing."""

import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from devstack.pytest_plugin import Infrastructure
from efp_runtime.mongo import create_mongo_client, ensure_indexes
from efp_runtime.outbox import OUTBOX_FIELD
from identity.adapters import mongo_session_repository
from identity.adapters.mongo_session_repository import COLLECTION, MongoSessionRepository
from identity.domain.session import Session

NOW = datetime(2030, 1, 1, 12, tzinfo=UTC)
LATER = NOW + timedelta(minutes=1)
CHANGED = "identity.session.changed.v1"


class KickedRelay:
    """Records the documents the repository asks to publish (the relay itself is proven in efp_runtime)."""

    def __init__(self) -> None:
        self.kicked: list[tuple[str, Any]] = []

    def kick(self, collection: str, document_id: Any) -> None:
        self.kicked.append((collection, document_id))


@pytest.fixture
async def database(infrastructure: Infrastructure) -> AsyncIterator[AsyncDatabase[dict[str, Any]]]:
    client = create_mongo_client(infrastructure.mongodb_url)
    database = client[f"{infrastructure.database_prefix}announce_{uuid.uuid4().hex[:8]}"]
    await ensure_indexes(database, mongo_session_repository.INDEXES)
    yield database
    await client.drop_database(database.name)
    await client.close()


@pytest.fixture
def relay() -> KickedRelay:
    return KickedRelay()


@pytest.fixture
async def sessions(database, relay) -> MongoSessionRepository:
    repository = MongoSessionRepository(database[COLLECTION], relay)  # type: ignore[arg-type]
    for session_id, account_id in (("s-1", "a-1"), ("s-2", "a-1"), ("s-3", "a-1"), ("t-1", "a-2")):
        await repository.add(Session(session_id, account_id, "csrf", NOW, NOW), [])
    return repository


async def announcements(database: AsyncDatabase[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The `SessionsChangedV1` bodies waiting in each session's outbox, and their message ids."""
    found: dict[str, list[dict[str, Any]]] = {}
    async for doc in database[COLLECTION].find({}):
        for message in doc.get(OUTBOX_FIELD, []):
            assert (message["type"], message["exchange"], message["routing_key"]) == (CHANGED, "efp.events", CHANGED)
            found.setdefault(doc["_id"], []).append({**json.loads(message["body"]), "id": message["message_id"]})
    return found


async def test_a_logout_announces_the_sessions_account_once(sessions, database, relay) -> None:
    await sessions.revoke("s-1", LATER)
    await sessions.revoke("s-1", LATER)  # already ended: nothing more to say

    found = await announcements(database)
    assert list(found) == ["s-1"]
    [(body)] = found["s-1"]
    assert (body["account_id"], body["changed_at"]) == ("a-1", "2030-01-01T12:01:00Z")
    assert relay.kicked == [(COLLECTION, "s-1")]


async def test_closing_the_other_sessions_announces_from_each_closed_one_under_one_message_id(
    sessions, database, relay
) -> None:
    assert await sessions.revoke_others("a-1", "s-1", LATER) == 2

    found = await announcements(database)
    assert sorted(found) == ["s-2", "s-3"]
    assert len({body["id"] for bodies in found.values() for body in bodies}) == 1
    assert {body["account_id"] for bodies in found.values() for body in bodies} == {"a-1"}
    assert sorted(relay.kicked) == [(COLLECTION, "s-2"), (COLLECTION, "s-3")]


async def test_closing_every_session_announces_and_an_account_without_any_announces_nothing(
    sessions, database, relay
) -> None:
    assert await sessions.revoke_all("a-2", LATER) == 1
    assert await sessions.revoke_all("a-2", LATER) == 0
    assert await sessions.revoke_all("a-9", LATER) == 0

    assert [
        (doc_id, [b["account_id"] for b in bodies]) for doc_id, bodies in (await announcements(database)).items()
    ] == [("t-1", ["a-2"])]
    assert relay.kicked == [(COLLECTION, "t-1")]


async def test_a_replaced_session_announces_the_change(database, relay) -> None:
    sessions = MongoSessionRepository(database[COLLECTION], relay)  # type: ignore[arg-type]
    pending = Session("p-1", "a-1", "csrf", NOW, NOW, pending_second_factor=True)
    await sessions.add(pending, [])

    assert await sessions.replace("p-1", pending.successor("p-2", "csrf2", "otp", LATER), LATER)
    assert not await sessions.replace("p-1", pending.successor("p-3", "csrf3", "otp", LATER), LATER)

    found = await announcements(database)
    assert [(doc_id, [b["account_id"] for b in bodies]) for doc_id, bodies in found.items()] == [("p-1", ["a-1"])]
    assert relay.kicked == [(COLLECTION, "p-1")]
