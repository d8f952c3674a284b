"""The access-request repository against the real MongoDB-wire store: what a new request is checked against."""

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
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
