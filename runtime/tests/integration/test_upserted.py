"""upserted(): concurrent first hits of one counter, on the real MongoDB-wire server, all counted, none lost."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from pymongo.asynchronous.collection import AsyncCollection

from devstack.pytest_plugin import Infrastructure
from efp_runtime.mongo import create_mongo_client, upserted


@pytest.fixture
async def counters(infrastructure: Infrastructure) -> AsyncIterator[AsyncCollection[dict[str, Any]]]:
    # Several clients, as several replicas: each its own connection pool.
    client = create_mongo_client(infrastructure.mongodb_url)
    yield client[f"{infrastructure.database_prefix}upserted"][f"counters_{uuid.uuid4().hex[:6]}"]
    await client.close()


async def test_many_first_hits_of_one_new_key_at_once_each_get_a_document_and_are_all_counted(
    counters: AsyncCollection[dict[str, Any]], infrastructure: Infrastructure
) -> None:
    clients = [create_mongo_client(infrastructure.mongodb_url) for _ in range(4)]
    collections = [c[counters.database.name][counters.name] for c in clients]
    try:
        for key in ("a", "b", "c"):
            docs = await asyncio.gather(*(upserted(collections[i % 4], key, {"$inc": {"count": 1}}) for i in range(40)))
            # Every hit gets its document, and each is counted once: 40 hits, a count of 40.
            assert all(1 <= doc["count"] <= 40 for doc in docs)
            assert await counters.find_one({"_id": key}) == {"_id": key, "count": 40}
        assert await counters.count_documents({}) == 3
    finally:
        for client in clients:
            await client.close()
