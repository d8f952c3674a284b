"""examples/habilitation_consumer.py, run as another system would: it reads the AsyncAPI document, binds its
queue, takes the snapshot, then prints each habilitation event once, with its CloudEvents attributes."""

import asyncio
import json
import queue
import subprocess
import sys
import threading
import uuid
from pathlib import Path
from typing import IO, Any

import aio_pika
import pytest

from contracts.topology import EVENTS_EXCHANGE
from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import SERVICE_API_KEY, RunningSystem
from tests.e2e.access import Person
from tests.examples.lefevre import LEFEVRE

pytestmark = pytest.mark.e2e
KEY = {"Authorization": f"Bearer {SERVICE_API_KEY}"}
CONSUMER = Path(__file__).resolve().parents[2] / "examples" / "habilitation_consumer.py"


def _lines(stream: IO[str]) -> "queue.Queue[str]":
    """The lines of a pipe as they come, read by a thread so that a test can wait for one with a timeout."""
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        for line in stream:
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    return lines


def _next(lines: "queue.Queue[str]", timeout: float = 20) -> dict[str, Any]:
    return json.loads(lines.get(timeout=timeout))  # type: ignore[no-any-return]


async def _publish_again(amqp_url: str, event: dict[str, Any]) -> None:
    """What a relay restarted after a crash does: the same event, same id, a second time."""
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        exchange = await channel.get_exchange(EVENTS_EXCHANGE)
        headers = {k: v for k, v in event.items() if k.startswith("ce-")}
        message = aio_pika.Message(
            json.dumps(event["data"]).encode(),
            message_id=event["ce-id"],
            type=event["ce-type"],
            content_type="application/json",
            headers=headers,
        )
        await exchange.publish(message, routing_key=event["routing_key"])


async def _delete_queue(amqp_url: str, name: str) -> None:
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        await (await connection.channel()).queue_delete(name)


def test_the_example_consumer_takes_the_snapshot_then_each_event_once(
    system: RunningSystem, mail_server: MailRecorder, manager: Person
) -> None:
    amqp_url = system.infrastructure.amqp_url
    holder = Person(system, mail_server, LEFEVRE[0])
    queue_name = f"example.habilitations.{uuid.uuid4().hex[:8]}"
    process = subprocess.Popen(
        [
            sys.executable,
            str(CONSUMER),
            *("--asyncapi", f"{system.gateway_url}/asyncapi.json", "--amqp-url", amqp_url),
            *("--queue", queue_name, "--siret", LEFEVRE[1], "--max-events", "2", "--timeout", "60"),
            *("--gateway", system.gateway_url, "--api-key", SERVICE_API_KEY),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        out = _lines(process.stdout)  # type: ignore[arg-type]
        snapshot = []
        while (line := _next(out, timeout=60))["kind"] == "snapshot":
            snapshot.append(line["habilitation"])
        assert line == {
            "kind": "following",
            "queue": queue_name,
            "routing_keys": [
                "habilitation.habilitation.expired.v1",
                "habilitation.habilitation.granted.v1",
                "habilitation.habilitation.revoked.v1",
            ],
        }
        with system.client() as http:
            current = http.get("/api/v1/habilitations", params={"siret": LEFEVRE[1]}, headers=KEY).json()
        assert snapshot == current["habilitations"]
        assert manager.account_id in {h["account_id"] for h in snapshot}

        granted = manager.http.post(
            f"/api/v1/organisations/{LEFEVRE[0]}/users/{holder.account_id}/habilitations",
            json={"role": "centre_agree", "siret": LEFEVRE[1]},
        )
        assert granted.status_code == 201, granted.text
        first = _next(out)
        asyncio.run(_publish_again(amqp_url, first))
        revoked = manager.http.delete(f"/api/v1/habilitations/{granted.json()['id']}")
        assert revoked.status_code == 200, revoked.text
        second = _next(out)
        assert process.wait(timeout=30) == 0
    finally:
        process.kill()
        asyncio.run(_delete_queue(amqp_url, queue_name))

    habilitation_id = granted.json()["id"]
    assert first["kind"] == "event"
    assert first["ce-type"] == first["routing_key"] == "habilitation.habilitation.granted.v1"
    assert first["ce-source"] == "/efp-connect/habilitation"
    assert first["ce-specversion"] == "1.0"
    assert first["ce-subject"] == habilitation_id
    assert first["ce-time"].endswith("Z")
    assert first["data"]["habilitation"]["account_id"] == holder.account_id
    # The copy published again was recognised by its ce-id: the next line is the revocation.
    assert second["ce-type"] == "habilitation.habilitation.revoked.v1"
    assert second["ce-subject"] == habilitation_id
    assert second["ce-id"] != first["ce-id"]
