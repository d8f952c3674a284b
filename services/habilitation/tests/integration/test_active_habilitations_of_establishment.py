"""The snapshot of one establishment against the real store: its active habilitations only, page by page."""

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
from services.habilitation.tests.unit.samples import CONTEXT, T0, make_habilitation

pytestmark = pytest.mark.integration

# Two establishments of one organisation, and one of another whose SIRET shares nothing else.
SIREN = "000018101"
HERE, THERE = f"{SIREN}00014", f"{SIREN}00022"
ELSEWHERE = ("000018572", "00001857200016")


@pytest.fixture
async def collection(infrastructure: Infrastructure) -> AsyncIterator[AsyncCollection[dict[str, Any]]]:
    client = create_mongo_client(infrastructure.mongodb_url)
    database = client[f"{infrastructure.database_prefix}establishment_{uuid.uuid4().hex[:8]}"]
    await ensure_indexes(database, mongo_habilitation_repository.INDEXES)
    yield database[mongo_habilitation_repository.COLLECTION]
    await client.close()


async def test_only_the_active_habilitations_of_the_establishment_come_in_id_order_and_pages(
    collection: AsyncCollection[dict[str, Any]],
) -> None:
    repository = MongoHabilitationRepository(AggregateStore(collection, None))
    for n in range(7):
        await repository.add(make_habilitation(id=f"h-{n}", siret=HERE, siren=SIREN, account_id=f"a-{n}"), [])
    await repository.add(make_habilitation(id="h-there", siret=THERE, siren=SIREN), [])
    await repository.add(make_habilitation(id="h-else", siret=ELSEWHERE[1], siren=ELSEWHERE[0]), [])
    revoked = await repository.get("h-2")
    assert revoked is not None
    revoked.revoke("manager", T0)
    await repository.update(revoked, [])
    snapshot = ListActiveHabilitations(MongoActiveHabilitations(collection))

    seen, after_id, pages = [], None, 0
    while True:
        page = await snapshot(az.ListActiveHabilitationsV1(after_id=after_id, limit=3, siret=HERE), CONTEXT)
        pages += 1
        seen.extend(page.habilitations)
        if page.next_after_id is None:
            break
        after_id = page.next_after_id

    assert [h.id for h in seen] == ["h-0", "h-1", "h-3", "h-4", "h-5", "h-6"]
    assert pages == 3  # two full pages, then an empty one that says it is the last
    assert {h.siret for h in seen} == {HERE}
    assert [
        h.id
        for h in (
            await snapshot(az.ListActiveHabilitationsV1(after_id=None, limit=10, siret=THERE), CONTEXT)
        ).habilitations
    ] == ["h-there"]
    assert (
        await snapshot(az.ListActiveHabilitationsV1(after_id=None, limit=10, siret="00001810100030"), CONTEXT)
    ).habilitations == []
    # Without a SIRET, every active one as before.
    assert len((await snapshot(az.ListActiveHabilitationsV1(after_id=None, limit=100), CONTEXT)).habilitations) == 8
