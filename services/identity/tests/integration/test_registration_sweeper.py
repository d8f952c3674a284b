"""The registration sweeper against the real store: idle registrations expire once, with their event."""

import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from faststream.rabbit import RabbitBroker
from pymongo import AsyncMongoClient

from devstack.pytest_plugin import Infrastructure
from efp_runtime.broker import create_broker, declare_exchanges
from efp_runtime.mongo import create_mongo_client, ensure_indexes
from efp_runtime.outbox import OUTBOX_FIELD, OutboxRelay
from efp_runtime.settings import RuntimeSettings
from identity.adapters import mongo_registration_repository
from identity.adapters.mongo_registration_repository import MongoRegistrationRepository
from identity.domain.registration import INACTIVITY_LIMIT, Registration, Step
from identity.use_cases.registration.abandon_idle_registrations import AbandonIdleRegistrations

pytestmark = pytest.mark.integration
# In the future: an abandoned registration is kept 7 days (`forget_at`), and the store's TTL monitor deletes
# by its own clock one whose week is past before the test reads it.
T0 = datetime(2099, 11, 22, 9, 0, tzinfo=UTC)


@pytest.fixture
async def mongo(infrastructure: Infrastructure) -> AsyncIterator[AsyncMongoClient[dict[str, Any]]]:
    client = create_mongo_client(infrastructure.mongodb_url)
    yield client
    await client.close()


@pytest.fixture
async def broker(infrastructure: Infrastructure) -> AsyncIterator[RabbitBroker]:
    rabbit = create_broker(RuntimeSettings(AMQP_URL=infrastructure.amqp_url), "sweeper-test")  # type: ignore[call-arg]
    await rabbit.connect()
    await declare_exchanges(rabbit)
    yield rabbit
    await rabbit.stop()


async def test_only_idle_open_registrations_expire_once_each(
    mongo: AsyncMongoClient[dict[str, Any]], broker: RabbitBroker, infrastructure: Infrastructure
) -> None:
    database = mongo[f"{infrastructure.database_prefix}sweeper_{uuid.uuid4().hex[:6]}"]
    await ensure_indexes(database, mongo_registration_repository.INDEXES)
    collection = database[mongo_registration_repository.COLLECTION]
    repository = MongoRegistrationRepository(collection, OutboxRelay(broker, [collection], poll_seconds=60))
    idle = Registration.start("idle", "a@centre.fr", "111111", "h", T0)
    fresh = Registration.start("fresh", "b@centre.fr", "222222", "h", T0 + INACTIVITY_LIMIT)
    for registration in (idle, fresh):
        await repository.add(registration, [])
    now = T0 + INACTIVITY_LIMIT + timedelta(minutes=1)
    sweep = AbandonIdleRegistrations(repository, repository, lambda: now)

    assert await sweep() == 1
    assert await sweep() == 0

    stored = await collection.find_one({"_id": "idle"})
    assert stored is not None
    assert stored["state"] == Step.EXPIRED.value
    [event] = stored[OUTBOX_FIELD]
    assert event["type"] == "identity.registration.abandoned.v1"
    assert json.loads(event["body"]) == {"registration_id": "idle", "last_step": "verify_email"}
    assert (await repository.get("fresh")).state is Step.VERIFY_EMAIL  # type: ignore[union-attr]
