"""The access-request repository against the real MongoDB-wire store: what a new request is checked against."""

import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from pymongo import AsyncMongoClient, monitoring
from pymongo.asynchronous.database import AsyncDatabase

from devstack.pytest_plugin import Infrastructure
from efp_runtime.aggregate_store import AggregateStore
from efp_runtime.mongo import create_mongo_client, ensure_indexes
from habilitation.adapters import mongo_access_request_repository
from habilitation.adapters.mongo_access_request_repository import MongoAccessRequestRepository
from habilitation.domain.access_request import RESEND_AFTER, AccessRequest
from services.habilitation.tests.unit.samples import OTHER_SIREN, T0, days, make_request

pytestmark = pytest.mark.integration


@pytest.fixture
async def repository(infrastructure: Infrastructure) -> AsyncIterator[MongoAccessRequestRepository]:
    client = create_mongo_client(infrastructure.mongodb_url)
    database: AsyncDatabase[dict[str, Any]] = client[f"{infrastructure.database_prefix}requests_{uuid.uuid4().hex[:8]}"]
    await ensure_indexes(database, mongo_access_request_repository.INDEXES)
    yield MongoAccessRequestRepository(AggregateStore(database[mongo_access_request_repository.COLLECTION], None))
    await client.close()


async def saved(repository: MongoAccessRequestRepository, request: AccessRequest, cancel: bool = False) -> None:
    await repository.add(request, [])
    if cancel:
        request.cancel(request.account_id, request.last_sent_at)
        await repository.update(request, [])


async def test_recent_requests_are_the_pending_ones_of_any_age_and_the_others_sent_since(
    repository: MongoAccessRequestRepository,
) -> None:
    await saved(repository, make_request(id="old-pending", created_at=T0 - days(90), last_sent_at=T0 - days(90)))
    await saved(repository, make_request(id="old-cancelled", siren=OTHER_SIREN, last_sent_at=T0 - days(31)), True)
    await saved(repository, make_request(id="recent-cancelled", siren="111111111", last_sent_at=T0 - days(3)), True)
    await saved(repository, make_request(id="someone-else", account_id="other", last_sent_at=T0))

    found = await repository.recent_of_account("requester", T0 - RESEND_AFTER)

    assert sorted(r.id for r in found) == ["old-pending", "recent-cancelled"]
    assert {r.id: r.last_sent_at for r in found}["recent-cancelled"] == T0 - days(3)


async def test_the_recent_requests_are_read_through_indexes_not_the_whole_collection(
    infrastructure: Infrastructure,
) -> None:
    sent = Sent()
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(infrastructure.mongodb_url, event_listeners=[sent])
    database = client[f"{infrastructure.database_prefix}requests_{uuid.uuid4().hex[:8]}"]
    await ensure_indexes(database, mongo_access_request_repository.INDEXES)
    repository = MongoAccessRequestRepository(
        AggregateStore(database[mongo_access_request_repository.COLLECTION], None)
    )
    await saved(repository, make_request(id="pending"))

    await repository.recent_of_account("requester", T0 - RESEND_AFTER)

    assert sent.finds
    for find in sent.finds:
        plan = json.dumps(await database.command({"explain": find, "verbosity": "queryPlanner"}), default=str)
        assert "IXSCAN" in plan, plan
        assert "COLLSCAN" not in plan, plan
    await client.close()


class Sent(monitoring.CommandListener):
    """The `find` commands a call sends, as sent (without the session's fields)."""

    def __init__(self) -> None:
        self.finds: list[dict[str, Any]] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.command_name == "find":
            ignored = {"lsid", "$db", "$clusterTime", "$readPreference", "txnNumber", "readConcern"}
            self.finds.append({k: v for k, v in event.command.items() if k not in ignored})

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass
