"""The snapshot of active habilitations against the real store: every active one once, page by page."""

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from pymongo.asynchronous.collection import AsyncCollection

from contracts import authorizations as az
from devstack.pytest_plugin import Infrastructure
from efp_runtime.aggregate_store import AggregateStore
from efp_runtime.mongo import create_mongo_client, ensure_indexes
from habilitation.adapters import mongo_habilitation_repository
from habilitation.adapters.mongo_active_habilitations import MongoActiveHabilitations
from habilitation.adapters.mongo_habilitation_repository import MongoHabilitationRepository
from habilitation.use_cases.habilitations.list_active_habilitations import ListActiveHabilitations
from services.habilitation.tests.unit.samples import CONTEXT, T0, make_habilitation, on

pytestmark = pytest.mark.integration


@pytest.fixture
async def collection(infrastructure: Infrastructure) -> AsyncIterator[AsyncCollection[dict[str, Any]]]:
    client = create_mongo_client(infrastructure.mongodb_url)
    database = client[f"{infrastructure.database_prefix}active_{uuid.uuid4().hex[:8]}"]
    await ensure_indexes(database, mongo_habilitation_repository.INDEXES)
    yield database[mongo_habilitation_repository.COLLECTION]
    await client.close()


async def test_pages_hold_every_active_habilitation_once_with_what_a_check_needs(
    collection: AsyncCollection[dict[str, Any]],
) -> None:
    repository = MongoHabilitationRepository(AggregateStore(collection, None))
    for n in range(23):
        await repository.add(make_habilitation(id=f"h-{n:02d}", end_date=on(n) if n % 2 else None), [])
    for gone in ("h-03", "h-10"):
        habilitation = await repository.get(gone)
        assert habilitation is not None
        habilitation.revoke("manager", T0)
        await repository.update(habilitation, [])
    pages = ListActiveHabilitations(MongoActiveHabilitations(collection))

    seen, after_id, count = [], None, 0
    while True:
        page = await pages(az.ListActiveHabilitationsV1(after_id=after_id, limit=5), CONTEXT)
        count += 1
        seen.extend(page.habilitations)
        if page.next_after_id is None:
            break
        after_id = page.next_after_id

    assert [h.id for h in seen] == [f"h-{n:02d}" for n in range(23) if n not in (3, 10)]
    assert count == 5
    assert seen[1].model_dump() == {
        "id": "h-01",
        "account_id": "holder",
        "service": "ceres",
        "role": "centre_agree",
        "siret": "12345678900011",
        "end_date": on(1),
    }


@pytest.mark.parametrize("limit", [1, 3, 8])
async def test_pages_hold_every_active_one_once_in_id_order_whatever_the_ids(
    collection: AsyncCollection[dict[str, Any]], limit: int
) -> None:
    # The windows step through the ids' hex prefixes (id_windows): ids without one must come all the same.
    odd = ["", "0", "0000000", "00000000", "0000000g", "7fffffff", "A", "Z", "abc", "ffffffff", "ffffffffz", "g", "é"]
    ids = odd + [str(uuid.uuid4()) for _ in range(10)] + [uuid.uuid4().hex for _ in range(10)]
    repository = MongoHabilitationRepository(AggregateStore(collection, None))
    for an_id in ids:
        await repository.add(make_habilitation(id=an_id), [])
    pages = ListActiveHabilitations(MongoActiveHabilitations(collection))

    seen, after_id = [], None
    while True:
        page = await pages(az.ListActiveHabilitationsV1(after_id=after_id, limit=limit), CONTEXT)
        assert len(page.habilitations) == limit or page.next_after_id is None
        seen.extend(h.id for h in page.habilitations)
        if page.next_after_id is None:
            break
        after_id = page.next_after_id

    assert seen == sorted(ids)  # the store orders strings by their UTF-8 bytes, as Python by code points
