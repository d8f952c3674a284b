"""What the outbox relay puts on the real broker reads as a CloudEvent to a consumer that knows only aio-pika."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any, ClassVar

import aio_pika
import pytest
from faststream.rabbit import RabbitBroker
from pymongo import AsyncMongoClient

from contracts.base import Event
from contracts.topology import EVENTS_EXCHANGE
from devstack.pytest_plugin import Infrastructure
from efp_runtime.broker import create_broker, declare_exchanges
from efp_runtime.message_context import MessageContext
from efp_runtime.mongo import create_mongo_client
from efp_runtime.outbox import OUTBOX_FIELD, OutboxRelay, event_message, pending_messages
from efp_runtime.settings import RuntimeSettings

pytestmark = pytest.mark.integration


class ParcelShippedV1(Event):
    MESSAGE_TYPE: ClassVar[str] = "test.parcel.shipped.v1"
    parcel_id: str


@pytest.fixture
async def broker(infrastructure: Infrastructure) -> AsyncIterator[RabbitBroker]:
    rabbit = create_broker(RuntimeSettings(AMQP_URL=infrastructure.amqp_url), "parcels")  # type: ignore[call-arg]
    await rabbit.connect()
    await declare_exchanges(rabbit)
    yield rabbit
    await rabbit.stop()


@pytest.fixture
async def mongo(infrastructure: Infrastructure) -> AsyncIterator[AsyncMongoClient[dict[str, Any]]]:
    client = create_mongo_client(infrastructure.mongodb_url)
    yield client
    await client.close()


async def test_a_relayed_event_carries_cloudevents_binary_mode_headers(
    broker: RabbitBroker, mongo: AsyncMongoClient[dict[str, Any]], infrastructure: Infrastructure
) -> None:
    parcels = mongo[f"{infrastructure.database_prefix}outbox"][f"parcels_{uuid.uuid4().hex[:6]}"]
    connection = await aio_pika.connect(infrastructure.amqp_url)
    async with connection:
        channel = await connection.channel()
        tap = await channel.declare_queue(exclusive=True, auto_delete=True)
        await tap.bind(await channel.get_exchange(EVENTS_EXCHANGE), routing_key=ParcelShippedV1.MESSAGE_TYPE)
        event = event_message(ParcelShippedV1(parcel_id="p-1"), MessageContext.fresh(), "parcels")
        await parcels.insert_one({"_id": "p-1", OUTBOX_FIELD: pending_messages([event])})

        assert await OutboxRelay(broker, [parcels], poll_seconds=60).drain(parcels.name, "p-1") == 1

        async with tap.iterator() as messages, asyncio.timeout(10):
            message = await anext(messages)
            await message.ack()
    headers = message.headers
    assert headers["ce-id"] == message.message_id == event.message_id
    assert headers["ce-type"] == message.type == message.routing_key == "test.parcel.shipped.v1"
    assert headers["ce-source"] == "/efp-connect/parcels"
    assert headers["ce-specversion"] == "1.0"
    assert headers["ce-subject"] == "p-1"
    assert headers["ce-datacontenttype"] == message.content_type == "application/json"
    # RFC 3339 in UTC, to the millisecond the store keeps.
    assert str(headers["ce-time"]).endswith("Z")
    assert abs(datetime.fromisoformat(str(headers["ce-time"])) - event.occurred_at) < timedelta(milliseconds=1)
