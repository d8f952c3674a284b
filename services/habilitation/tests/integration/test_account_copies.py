"""The account copies against the real store: the profile's time round-trips, so a replayed update is told apart."""

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from devstack.pytest_plugin import Infrastructure
from efp_runtime.mongo import create_mongo_client, ensure_indexes
from habilitation.adapters import mongo_account_copies
from habilitation.adapters.mongo_account_copies import MongoAccountCopies
from habilitation.use_cases.organisation.record_account import RecordAccount
from services.habilitation.tests.unit.samples import T0, account_created, profile_updated

pytestmark = pytest.mark.integration


@pytest.fixture
async def database(infrastructure: Infrastructure) -> AsyncIterator[AsyncDatabase[dict[str, Any]]]:
    client = create_mongo_client(infrastructure.mongodb_url)
    db = client[f"{infrastructure.database_prefix}copies_{uuid.uuid4().hex[:8]}"]
    await ensure_indexes(db, mongo_account_copies.INDEXES)
    yield db
    await client.close()


async def test_a_replayed_older_update_leaves_the_stored_newer_profile(
    database: AsyncDatabase[dict[str, Any]],
) -> None:
    copies = MongoAccountCopies(database[mongo_account_copies.COLLECTION])
    record = RecordAccount(copies)
    await record.created(account_created())
    await record.profile_updated(profile_updated("Durand", at=T0 + timedelta(hours=1)))
    await record.profile_updated(profile_updated("Petit", at=T0 + timedelta(hours=2)))

    await record.profile_updated(profile_updated("Durand", at=T0 + timedelta(hours=1)))

    stored = await copies.get("a-1")
    assert stored is not None
    assert (stored.last_name, stored.profile_at) == ("Petit", T0 + timedelta(hours=2))
