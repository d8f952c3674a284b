"""Access-manager rights against the real MongoDB-wire store: a withdrawal never leaves an organisation without one."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from devstack.pytest_plugin import Infrastructure
from efp_runtime.aggregate_store import AggregateStore
from efp_runtime.mongo import create_mongo_client, ensure_indexes
from habilitation.adapters import mongo_manager_right_repository
from habilitation.adapters.mongo_manager_right_repository import MongoManagerRightRepository
from habilitation.domain.errors import Conflict, LastManager
from habilitation.domain.manager_right import ManagerRight

pytestmark = pytest.mark.integration

SIREN = "123456789"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
async def database(infrastructure: Infrastructure) -> AsyncIterator[AsyncDatabase[dict[str, Any]]]:
    client = create_mongo_client(infrastructure.mongodb_url)
    database = client[f"{infrastructure.database_prefix}rights_{uuid.uuid4().hex[:8]}"]
    await ensure_indexes(database, mongo_manager_right_repository.INDEXES)
    yield database
    await client.drop_database(database.name)
    await client.close()


@pytest.fixture
def rights(database: AsyncDatabase[dict[str, Any]]) -> MongoManagerRightRepository:
    return MongoManagerRightRepository(AggregateStore(database[mongo_manager_right_repository.COLLECTION], None))


async def two_managers(rights: MongoManagerRightRepository) -> None:
    for account_id in ("alice", "bob"):
        right = ManagerRight.grant(
            account_id=account_id,
            siren=SIREN,
            granted_by=None,
            granted_at=T0,
            via="activation_code",
            charter_version="2024-11",
        )
        await rights.save(right, [])


async def read_and_withdraw(rights: MongoManagerRightRepository, account_id: str, by: str) -> ManagerRight:
    right = await rights.get(account_id, SIREN)
    assert right is not None
    right.withdraw(by, T0)
    return right


async def test_two_managers_withdrawing_each_other_concurrently_leave_the_organisation_one(
    rights: MongoManagerRightRepository,
) -> None:
    await two_managers(rights)
    # Both read while both are active, as two use cases that each counted two managers.
    bob, alice = await read_and_withdraw(rights, "bob", "alice"), await read_and_withdraw(rights, "alice", "bob")

    outcomes = await asyncio.gather(rights.withdraw(bob, []), rights.withdraw(alice, []), return_exceptions=True)

    assert all(o is None or isinstance(o, LastManager | Conflict) for o in outcomes), outcomes
    assert outcomes.count(None) <= 1
    assert len(await rights.managers_of(SIREN)) == 2 - outcomes.count(None) >= 1


async def test_a_withdrawal_read_before_the_other_one_was_saved_is_refused(rights: MongoManagerRightRepository) -> None:
    await two_managers(rights)
    bob, alice = await read_and_withdraw(rights, "bob", "alice"), await read_and_withdraw(rights, "alice", "bob")

    await rights.withdraw(bob, [])
    with pytest.raises(LastManager):
        await rights.withdraw(alice, [])

    assert [r.account_id for r in await rights.managers_of(SIREN)] == ["alice"]


async def test_a_withdrawal_whose_survivor_was_vouched_for_meanwhile_is_stale(
    rights: MongoManagerRightRepository, database: AsyncDatabase[dict[str, Any]]
) -> None:
    await two_managers(rights)
    bob, alice = await read_and_withdraw(rights, "bob", "alice"), await read_and_withdraw(rights, "alice", "bob")
    # Alice's withdrawal of Bob has bumped Alice's right (its survivor) and not saved Bob's yet.
    await database[mongo_manager_right_repository.COLLECTION].update_one(
        {"_id": f"alice:{SIREN}"}, {"$inc": {"version": 1}}
    )

    with pytest.raises(Conflict):
        await rights.withdraw(alice, [])  # Bob vouched for, but Alice's right moved on since it was read

    assert len(await rights.managers_of(SIREN)) == 2
    assert bob.active is False
