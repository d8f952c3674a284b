"""Each service's broker user reaches only its own queues: what it may not do, the broker refuses (403).

Through the real broker of the running system, connecting as each user the way its service does.
"""

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aio_pika
import httpx
import pytest
from aio_pika.abc import AbstractChannel, AbstractIncomingMessage
from aiormq.exceptions import ChannelAccessRefused

from contracts.topology import (
    COMMANDS_EXCHANGE,
    DEAD_LETTER_EXCHANGE,
    EVENTS_EXCHANGE,
    GATEWAY_AUTHORIZATIONS_QUEUE_PREFIX,
    GATEWAY_SESSIONS_QUEUE_PREFIX,
    NOTIFICATION_COMMANDS_QUEUE,
    SEND_EMAIL_ROUTING_KEY,
    SERVICES,
)
from devstack.pytest_plugin import RunningSystem
from efp_runtime.broker_access import USERS
from efp_runtime.polling import eventually_sync

pytestmark = pytest.mark.e2e
SERVICE_USERS = {*SERVICES, "gateway"}

Operation = Callable[[AbstractChannel], Awaitable[None]]


@dataclass(frozen=True)
class Case:
    user: str
    what: str
    operation: Operation
    allowed: bool

    def __str__(self) -> str:
        return f"{self.user} {'may' if self.allowed else 'may not'} {self.what}"


def get(queue: str) -> Operation:
    async def operation(channel: AbstractChannel) -> None:
        message = await (await channel.declare_queue(queue, passive=True)).get(fail=False)
        if message is not None:  # not ours to take: give it back
            await message.nack(requeue=True)

    return operation


def consume(queue: str) -> Operation:
    async def operation(channel: AbstractChannel) -> None:
        async def give_back(message: AbstractIncomingMessage) -> None:
            await message.nack(requeue=True)

        declared = await channel.declare_queue(queue, passive=True)
        tag = await declared.consume(give_back)
        await declared.cancel(tag)

    return operation


def declare_queue(queue: str) -> Operation:
    async def operation(channel: AbstractChannel) -> None:
        # Exclusive: gone with the connection when the broker lets it be made.
        await channel.declare_queue(f"{queue}.{uuid.uuid4().hex[:8]}", exclusive=True)

    return operation


def delete_queue(queue: str) -> Operation:
    async def operation(channel: AbstractChannel) -> None:
        await channel.queue_delete(queue, if_unused=True, if_empty=True)

    return operation


def delete_exchange(exchange: str) -> Operation:
    async def operation(channel: AbstractChannel) -> None:
        await channel.exchange_delete(exchange, if_unused=True)

    return operation


def bind_own_queue(prefix: str, exchange: str, routing_key: str) -> Operation:
    """Bind a queue the user may make to `exchange`: reading what is routed there with that key."""

    async def operation(channel: AbstractChannel) -> None:
        queue = await channel.declare_queue(f"{prefix}.probe-{uuid.uuid4().hex[:8]}", exclusive=True)
        await queue.bind(exchange, routing_key=routing_key)

    return operation


def publish(exchange: str, routing_key: str) -> Operation:
    async def operation(channel: AbstractChannel) -> None:
        target = await channel.get_exchange(exchange, ensure=False)
        # Nothing is bound to the probe keys of allowed cases: the message goes nowhere.
        await target.publish(aio_pika.Message(b"{}", message_id=uuid.uuid4().hex), routing_key=routing_key)

    return operation


SNEAKY_EVENT = "habilitation.habilitation.granted.v1"
CASES = [
    # The private e-mail commands (they carry codes): only the notification service reads them.
    *(
        Case(user, "get from notification.commands", get(NOTIFICATION_COMMANDS_QUEUE), False)
        for user in ("identity", "habilitation", "gateway", "operator")
    ),
    *(
        Case(user, "consume notification.commands", consume(NOTIFICATION_COMMANDS_QUEUE), False)
        for user in ("identity", "habilitation", "gateway")
    ),
    Case("notification", "get from notification.commands", get(NOTIFICATION_COMMANDS_QUEUE), True),
    Case("notification", "consume notification.commands", consume(NOTIFICATION_COMMANDS_QUEUE), True),
    # ...nor by binding a queue of their own to the commands exchange or to the dead letters.
    Case(
        "identity",
        "bind to efp.commands",
        bind_own_queue("identity", COMMANDS_EXCHANGE, SEND_EMAIL_ROUTING_KEY),
        False,
    ),
    Case(
        "habilitation",
        "bind to efp.commands",
        bind_own_queue("habilitation", COMMANDS_EXCHANGE, SEND_EMAIL_ROUTING_KEY),
        False,
    ),
    Case(
        "gateway",
        "bind to efp.commands",
        bind_own_queue(GATEWAY_AUTHORIZATIONS_QUEUE_PREFIX, COMMANDS_EXCHANGE, SEND_EMAIL_ROUTING_KEY),
        False,
    ),
    *(
        Case(
            user,
            "bind to efp.dead-letter",
            bind_own_queue(prefix, DEAD_LETTER_EXCHANGE, NOTIFICATION_COMMANDS_QUEUE),
            False,
        )
        for user, prefix in (
            ("identity", "identity"),
            ("habilitation", "habilitation"),
            ("notification", "notification"),
        )
    ),
    # Another service's request queues.
    Case("identity", "consume habilitation.rpc", consume("habilitation.rpc"), False),
    Case("habilitation", "get from identity.credentials", get("identity.credentials"), False),
    Case("gateway", "get from identity.rpc", get("identity.rpc"), False),
    Case("notification", "get from habilitation.rpc", get("habilitation.rpc"), False),
    Case("identity", "consume identity.rpc", consume("identity.rpc"), True),
    # Queues outside its own name, and what others declared.
    Case("identity", "declare a queue named after identity", declare_queue("identity.probe"), True),
    Case("identity", "declare a queue named after habilitation", declare_queue("habilitation.probe"), False),
    Case("gateway", "declare a queue named after notification", declare_queue("notification.probe"), False),
    Case("gateway", "declare a queue outside its prefix", declare_queue("gateway.probe"), False),
    Case("operator", "declare any queue", declare_queue("operator.probe"), False),
    Case("habilitation", "delete identity.rpc", delete_queue("identity.rpc"), False),
    Case("identity", "delete notification.commands", delete_queue(NOTIFICATION_COMMANDS_QUEUE), False),
    Case("identity", "delete efp.commands", delete_exchange(COMMANDS_EXCHANGE), False),
    Case("notification", "delete efp.dead-letter", delete_exchange(DEAD_LETTER_EXCHANGE), False),
    Case("gateway", "delete efp.events", delete_exchange(EVENTS_EXCHANGE), False),
    # Events only under its own name; the gateway and the notification service publish none.
    Case("identity", "publish an event as identity", publish(EVENTS_EXCHANGE, "identity.permission-probe.v1"), True),
    Case("identity", "publish an event as habilitation", publish(EVENTS_EXCHANGE, SNEAKY_EVENT), False),
    Case(
        "habilitation", "publish an event as identity", publish(EVENTS_EXCHANGE, "identity.account.created.v1"), False
    ),
    Case("gateway", "publish an event", publish(EVENTS_EXCHANGE, SNEAKY_EVENT), False),
    Case("notification", "publish an event", publish(EVENTS_EXCHANGE, "notification.permission-probe.v1"), False),
    Case("gateway", "publish a command", publish(COMMANDS_EXCHANGE, "notification.permission-probe.v1"), False),
    Case("gateway", "publish to efp.dead-letter", publish(DEAD_LETTER_EXCHANGE, "identity.rpc"), False),
    # Bindings narrowed to the events each one follows.
    Case(
        "gateway",
        "bind to every event",
        bind_own_queue(GATEWAY_AUTHORIZATIONS_QUEUE_PREFIX, EVENTS_EXCHANGE, "#"),
        False,
    ),
    Case(
        "gateway",
        "bind to habilitation events",
        bind_own_queue(GATEWAY_AUTHORIZATIONS_QUEUE_PREFIX, EVENTS_EXCHANGE, SNEAKY_EVENT),
        True,
    ),
    Case(
        "gateway",
        "bind its session cache to identity's session changes",
        bind_own_queue(GATEWAY_SESSIONS_QUEUE_PREFIX, EVENTS_EXCHANGE, "identity.session.changed.v1"),
        True,
    ),
    Case(
        "gateway",
        "bind to identity's account events",
        bind_own_queue(GATEWAY_SESSIONS_QUEUE_PREFIX, EVENTS_EXCHANGE, "identity.account.created.v1"),
        False,
    ),
    Case("habilitation", "bind to every event", bind_own_queue("habilitation", EVENTS_EXCHANGE, "#"), False),
    # Operators read and requeue dead letters, nothing else.
    Case("operator", "get from notification.commands.dead-letter", get("notification.commands.dead-letter"), True),
    Case("operator", "get from identity.rpc", get("identity.rpc"), False),
    # Its requeues never go through efp.events (issue 14, finding 9): it cannot publish a habilitation event.
    Case("operator", "publish a habilitation event", publish(EVENTS_EXCHANGE, SNEAKY_EVENT), False),
    Case("operator", "publish any event", publish(EVENTS_EXCHANGE, "identity.account.created.v1"), False),
]


async def attempt(url: str, operation: Operation) -> bool:
    """True if the broker let the user do it, False if it refused with ACCESS_REFUSED."""
    connection = await aio_pika.connect(url, client_properties={"connection_name": "permission-test"})
    try:
        channel = await connection.channel(publisher_confirms=True)
        try:
            await operation(channel)
        except ChannelAccessRefused:
            return False
        return True
    finally:
        await connection.close()


@pytest.fixture
def broker_users(system: RunningSystem) -> dict[str, str]:
    if not system.broker_users:
        pytest.skip("the broker given by AMQP_URL would not let this session create users")
    return system.broker_users


@pytest.mark.parametrize("case", CASES, ids=str)
def test_each_user_reaches_only_what_it_must(broker_users: dict[str, str], case: Case) -> None:
    assert asyncio.run(attempt(broker_users[case.user], case.operation)) is case.allowed


def test_each_service_process_connects_as_its_own_user(system: RunningSystem, broker_users: dict[str, str]) -> None:
    rabbit = system.infrastructure.rabbit
    if rabbit is None:
        pytest.skip("the session's own broker has the console this test reads")

    # The console lists connections a few seconds after they open.
    def listed() -> list[dict[str, Any]]:
        response = httpx.get(f"{rabbit.management_url}api/connections", auth=("guest", "guest"), timeout=10)
        response.raise_for_status()
        return response.json()  # type: ignore[no-any-return]

    connections = eventually_sync(listed, lambda found: {c["user"] for c in found} >= SERVICE_USERS, within=30, every=1)
    assert {c["user"] for c in connections} >= SERVICE_USERS
    # The RPC clients and the authorization feed name their connections: each is its service's user.
    users_by_name = {c["client_properties"].get("connection_name"): c["user"] for c in connections}
    assert users_by_name.get("gateway") == "gateway"
    assert users_by_name.get("gateway-authorizations") == "gateway"
    assert users_by_name.get("gateway-sessions") == "gateway"
    assert users_by_name.get("habilitation") == "habilitation"


def test_every_user_of_the_plan_was_created(broker_users: dict[str, str]) -> None:
    assert set(broker_users) == {user.name for user in USERS}
