"""Dead letters through efp-ops against the real broker: listed without being consumed, replayed into their queue."""

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import aio_pika
import pytest
from pymongo import MongoClient

from contracts.accounts import AccountCreatedV1
from contracts.topology import DEAD_LETTER_EXCHANGE, HABILITATION_ACCOUNT_CREATED_QUEUE
from devstack.pytest_plugin import RunningSystem
from efp_ops.dead_letters import KNOWN_QUEUES, SUFFIX
from efp_runtime.polling import eventually_sync

pytestmark = pytest.mark.e2e
Line = dict[str, Any]
QUEUE = HABILITATION_ACCOUNT_CREATED_QUEUE


async def _publish(system: RunningSystem, exchange: str, routing_key: str, message: aio_pika.Message) -> None:
    connection = await aio_pika.connect(system.infrastructure.amqp_url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True, on_return_raises=True)
        target = channel.default_exchange if exchange == "" else await channel.get_exchange(exchange)
        await target.publish(message, routing_key=routing_key, mandatory=True)


def publish(system: RunningSystem, exchange: str, routing_key: str, message: aio_pika.Message) -> None:
    asyncio.run(_publish(system, exchange, routing_key, message))


def account_event(account_id: str) -> bytes:
    event = AccountCreatedV1(
        account_id=account_id,
        email=f"{account_id}@centre-formation.fr",
        kind="user",
        civility=None,
        last_name="Morel",
        first_name="Inès",
        job_title=None,
        siren=None,
        created_at=datetime.now(UTC),
    )
    return event.model_dump_json().encode()


def letters_of(system: RunningSystem) -> dict[str, Line]:
    return {line["message_id"]: line for line in system.operate("dead-letters", "list", "--queue", QUEUE)[1]}


def test_a_rejected_event_is_listed_then_replayed_into_its_queue_and_consumed(system: RunningSystem) -> None:
    poison, rescued = str(uuid.uuid4()), str(uuid.uuid4())
    account_id = f"ops-{uuid.uuid4().hex[:8]}"
    # Really rejected by the habilitation service: not an AccountCreatedV1.
    publish(system, "", QUEUE, aio_pika.Message(b'{"not": "an account"}', message_id=poison, delivery_mode=2))
    # A valid event dead-lettered as if the database had been away when it came.
    deaths = [{"reason": "rejected", "queue": QUEUE, "count": 1, "exchange": "efp.events"}]
    publish(
        system,
        DEAD_LETTER_EXCHANGE,
        QUEUE,
        aio_pika.Message(
            account_event(account_id),
            message_id=rescued,
            type=AccountCreatedV1.MESSAGE_TYPE,
            content_type="application/json",
            headers={"x-death": deaths},
            delivery_mode=2,
        ),
    )

    letters = eventually_sync(
        lambda: letters_of(system), lambda letters: {poison, rescued} <= set(letters), within=20, every=0.3
    )
    assert (letters[poison]["queue"], letters[poison]["reason"]) == (QUEUE, "rejected")
    assert letters[poison]["died_at"] is not None
    assert letters[rescued]["type"] == AccountCreatedV1.MESSAGE_TYPE
    # Listing consumed nothing: a second look sees the same letters.
    assert {poison, rescued} <= set(letters_of(system))

    code, lines = system.operate("dead-letters", "replay", "--queue", f"{QUEUE}{SUFFIX}", rescued, "no-such-id")

    assert code == 1
    assert lines[0] == {"queue": QUEUE, "message_id": rescued, "replayed": True}
    assert (lines[1]["message_id"], lines[1]["replayed"], lines[1]["error"]) == ("no-such-id", False, "not_found")
    client: MongoClient[dict[str, Any]] = MongoClient(system.infrastructure.mongodb_url)
    try:
        copies = client[system.env["HABILITATION_DATABASE"]]["accounts"]
        copy = eventually_sync(
            lambda: copies.find_one({"_id": account_id}), lambda found: found is not None, within=20, every=0.2
        )
        assert copy is not None, "the replayed event was not consumed"
    finally:
        client.close()
    remaining = letters_of(system)
    assert poison in remaining
    assert rescued not in remaining


def test_every_dead_letter_queue_on_the_broker_is_one_efp_ops_knows(system: RunningSystem) -> None:
    rabbit = system.infrastructure.rabbit
    if rabbit is None:
        pytest.skip("the broker was started elsewhere (AMQP_URL): no rabbitmqctl to list its queues")
    listed = rabbit.ctl("list_queues", "--quiet", "--no-table-headers", "name")
    assert listed.returncode == 0, listed.stderr
    dead = {name[: -len(SUFFIX)] for name in listed.stdout.split() if name.endswith(SUFFIX)}

    assert dead
    assert dead <= set(KNOWN_QUEUES), f"queues efp-ops would not look at by default: {dead - set(KNOWN_QUEUES)}"
