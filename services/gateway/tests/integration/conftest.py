"""The gateway's integration tests: a broker client publishing as a service's outbox relay does."""

from collections.abc import AsyncIterator

import pytest
from faststream.rabbit import RabbitBroker

from devstack.pytest_plugin import Infrastructure
from efp_runtime.broker import create_broker, declare_exchanges
from efp_runtime.settings import RuntimeSettings


@pytest.fixture
async def broker(infrastructure: Infrastructure) -> AsyncIterator[RabbitBroker]:
    rabbit = create_broker(RuntimeSettings(AMQP_URL=infrastructure.amqp_url), "gateway-integration-test")
    await rabbit.connect()
    await declare_exchanges(rabbit)
    yield rabbit
    await rabbit.stop()
