"""Faults under load: each service killed (-9), the broker restarted, the store killed (-9) and
restarted or unreachable, SMTP failing, a poison message.

Each scenario gives two fresh organisations a manager, runs the mixed load (sign-ups, logins,
access requests accepted by the managers, invitations), injects its fault once a third of the
requests are sent, lets the load finish, and then counts: every e-mail owed arrived exactly once,
no duplicate at all, every aggregate consistent, every outbox drained, no message left in any
queue and none dead-lettered, and no answer was a 500 (a platform that cannot go on says 503).
The table of what was tried and counted prints at the session's end.
"""

import asyncio
import os
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import aio_pika
import pymongo
import pytest

from contracts.accounts import AccountCreatedV1
from contracts.topology import (
    COMMANDS_EXCHANGE,
    EVENTS_EXCHANGE,
    NOTIFICATION_COMMANDS_QUEUE,
    SEND_EMAIL_ROUTING_KEY,
    dead_letter_queue,
)
from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import RunningSystem
from efp_runtime.broker_addresses import connect_failover
from tests.e2e.access import Person, become_manager
from tests.faults.checks import (
    ROWS,
    Row,
    check_aggregates,
    count_emails,
    count_leftovers,
    queue_depths,
    settle,
)
from tests.faults.harness import Faults
from tests.faults.load import Browser, Organisation, Tally, collaborator_journey, invite, run_load

pytestmark = pytest.mark.faults

# Per scenario: journeys of 11 requests each (captcha, 5 sign-up steps, captcha, login, /me, access
# request, acceptance) and single-request invitations: 60 × 11 + 340 = 1,000 requests (9,000 over the
# nine scenarios). EFP_FAULTS_JOURNEYS=30 EFP_FAULTS_INVITATIONS=120 gives a quicker 450 per scenario.
JOURNEYS = int(os.environ.get("EFP_FAULTS_JOURNEYS", "60"))
INVITATIONS = int(os.environ.get("EFP_FAULTS_INVITATIONS", "340"))
WORKERS = 8
DOWN_SECONDS = 3.0
SMTP_OUTAGE_SECONDS = 8.0
STORE_PAUSE_SECONDS = 10.0
# Organisations of the SIRENE sample with two open establishments, two per scenario, never reused.
ORGANISATIONS = [
    ("000010116", "00001011600010", "00001011600028"),
    ("000010587", "00001058700012", "00001058700020"),
    ("000011056", "00001105600017", "00001105600025"),
    ("000011528", "00001152800015", "00001152800023"),
    ("000011999", "00001199900018", "00001199900026"),
    ("000012468", "00001246800013", "00001246800021"),
    ("000012930", "00001293000012", "00001293000020"),
    ("000013409", "00001340900016", "00001340900024"),
    ("000013870", "00001387000019", "00001387000027"),
    ("000016220", "00001622000014", "00001622000022"),
    ("000017160", "00001716000011", "00001716000029"),
    ("000019042", "00001904200019", "00001904200027"),
    ("000019984", "00001998400012", "00001998400020"),
    ("000020925", "00002092500012", "00002092500020"),
    ("000030007", "00003000700017", "00003000700025"),
    ("000030015", "00003001500010", "00003001500028"),
    ("000030023", "00003002300014", "00003002300022"),
    ("000030031", "00003003100017", "00003003100025"),
]
_free_organisations = list(ORGANISATIONS)


def _organisations(faults: Faults, tally: Tally) -> list[Organisation]:
    orgs = []
    for _ in range(2):
        siren, first, second = _free_organisations.pop(0)
        manager = Person(faults.system, faults.mail_server, siren)
        become_manager(faults.system, manager, first)
        browser = Browser(faults.system.gateway_url, tally, http=manager.http)
        orgs.append(Organisation(siren, (first, second), browser, [manager.email]))
    return orgs


def _run(
    name: str,
    faults: Faults,
    fault: Callable[[], float],
    expected_dead: dict[str, int] | None = None,
    resend_window: bool = False,
) -> Row:
    row, tally = Row(name), Tally()
    orgs = _organisations(faults, tally)
    already = faults.mail_server.received()
    dead_before = {q: n for q, n in queue_depths(faults.infrastructure).items() if q.endswith(".dead-letter")}
    gateway = faults.system.gateway_url
    jobs: list[Callable[[], None]] = []
    for i in range(max(JOURNEYS, INVITATIONS)):
        org = orgs[i % len(orgs)]
        if i < JOURNEYS:
            jobs.append(lambda org=org: collaborator_journey(org, gateway, faults.mail_server, tally))  # type: ignore[misc]
        if i < INVITATIONS:
            jobs.append(lambda org=org: invite(org, tally))  # type: ignore[misc]
    planned = JOURNEYS * 11 + INVITATIONS
    started = time.monotonic()
    load = threading.Thread(target=run_load, args=(jobs, tally, WORKERS), name=f"load {name}")
    load.start()
    while tally.sent < planned // 3 and load.is_alive():
        time.sleep(0.1)
    row.recovery_seconds = fault()
    load.join()
    late = settle(faults.infrastructure, faults.mail_server, tally)
    row.duration_seconds = time.monotonic() - started
    row.sent, row.accepted, row.retried, row.unknown = tally.sent, tally.accepted, tally.retried, tally.unknown_outcomes
    row.server_errors = tally.server_errors
    row.problems += [f"load: {error}" for error in tally.errors[:20]]
    row.problems += [f"never settled: {what}" for what in late]
    count_emails(row, faults.mail_server, tally, already, resend_window)
    count_leftovers(row, faults.infrastructure, dead_before, expected_dead or {})
    check_aggregates(row, faults.infrastructure, tally)
    _check_pending_visible(row, faults, orgs)
    for org in orgs:
        org.manager.close()
    ROWS.append(row)
    return row


def _check_pending_visible(row: Row, faults: Faults, orgs: list[Organisation]) -> None:
    """What a manager's list shows is what the store holds pending for the organisation."""
    client: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(faults.infrastructure.mongodb_url)
    try:
        requests = client[f"{faults.infrastructure.database_prefix}habilitation"]["access_requests"]
        for org in orgs:
            stored = {d["_id"] for d in requests.find({"siren": org.siren, "state": "pending"}, {"_id": 1})}
            listed = org.manager.send(
                "GET",
                f"/api/v1/organisations/{org.siren}/access-requests",
                ok={200},
                params={"status": "pending", "limit": 200},
            ).json()["items"]
            if {r["id"] for r in listed} != stored:
                row.problems.append(f"{org.siren}: manager sees {len(listed)} pending, store has {len(stored)}")
    finally:
        client.close()


def _verdict(row: Row) -> None:
    assert not row.problems, "\n".join(row.problems[:40])
    assert row.lost == row.duplicates == row.stuck == row.outboxes == row.server_errors == 0


@pytest.mark.parametrize("service", ["identity", "habilitation", "notification", "gateway"])
def test_a_service_killed_mid_run_loses_and_repeats_nothing(faults: Faults, service: str) -> None:
    kill = lambda: faults.kill_and_restart(service, DOWN_SECONDS)  # noqa: E731
    _verdict(_run(f"kill -9 {service}", faults, kill, resend_window=service == "notification"))


def test_a_broker_restart_mid_run_loses_and_repeats_nothing(faults: Faults) -> None:
    _verdict(_run("broker restart", faults, faults.restart_broker))


def test_an_smtp_outage_shorter_than_the_retry_budget_loses_and_repeats_nothing(faults: Faults) -> None:
    _verdict(_run(f"SMTP 451 for {SMTP_OUTAGE_SECONDS:.0f} s", faults, lambda: faults.fail_smtp(SMTP_OUTAGE_SECONDS)))


def test_the_store_killed_and_restarted_mid_run_loses_and_repeats_nothing(faults: Faults) -> None:
    row = _run("kill -9 store", faults, lambda: faults.kill_and_restart_store(DOWN_SECONDS))
    _store_down_was_seen(row, faults)
    _verdict(row)


def test_the_store_unreachable_for_a_while_loses_and_repeats_nothing(faults: Faults) -> None:
    pause = lambda: faults.pause_store(STORE_PAUSE_SECONDS)  # noqa: E731
    row = _run(f"store stopped {STORE_PAUSE_SECONDS:.0f} s", faults, pause)
    _store_down_was_seen(row, faults)
    _verdict(row)


def _store_down_was_seen(row: Row, faults: Faults) -> None:
    """While the store was away, readiness said so at least once (503), and never answered a 500."""
    seen = faults.readiness_during_fault
    if 503 not in seen or any(status >= 500 and status != 503 for status in seen):
        row.problems.append(f"readiness during the store's outage answered {sorted(seen)}, not 503")


POISONED_ACCOUNT_QUEUE = "habilitation.identity-accounts.created"


def test_poison_messages_are_dead_lettered_while_the_service_keeps_serving(
    faults: Faults, system: RunningSystem, mail_server: MailRecorder
) -> None:
    poison = {
        dead_letter_queue(NOTIFICATION_COMMANDS_QUEUE): str(uuid.uuid4()),
        dead_letter_queue(POISONED_ACCOUNT_QUEUE): str(uuid.uuid4()),
    }
    attempts: dict[str, Any] = {}

    def publish_poison() -> float:
        asyncio.run(_publish_poison(system.infrastructure.amqp_url, poison))
        return 0.0

    row = _run("poison messages", faults, publish_poison, expected_dead=dict.fromkeys(poison, 1))
    # Taken off their dead-letter queues: each is there once, rejected, after bounded deliveries.
    attempts = asyncio.run(_take_dead_letters(system.infrastructure.amqp_url, poison))
    _verdict(row)
    for queue, headers in attempts.items():
        assert headers["x-first-death-reason"] == "rejected", (queue, headers)
        # x-delivery-count: redeliveries before it was given up (quorum queues; absent on the first).
        assert int(headers.get("x-delivery-count", 0)) < 5, (queue, headers)


async def _publish_poison(amqp_url: str, poison: dict[str, str]) -> None:
    connection = await connect_failover(amqp_url)
    async with connection:
        channel = await connection.channel()
        commands = await channel.get_exchange(COMMANDS_EXCHANGE)
        events = await channel.get_exchange(EVENTS_EXCHANGE)
        await commands.publish(
            aio_pika.Message(
                b'{"to": "not an address", "content": {}}',
                content_type="application/json",
                message_id=poison[dead_letter_queue(NOTIFICATION_COMMANDS_QUEUE)],
            ),
            routing_key=SEND_EMAIL_ROUTING_KEY,
        )
        await events.publish(
            aio_pika.Message(
                b'{"account": 42}',
                content_type="application/json",
                message_id=poison[dead_letter_queue(POISONED_ACCOUNT_QUEUE)],
                type=AccountCreatedV1.MESSAGE_TYPE,
            ),
            routing_key=AccountCreatedV1.MESSAGE_TYPE,
        )


async def _take_dead_letters(amqp_url: str, poison: dict[str, str]) -> dict[str, dict[str, Any]]:
    connection = await connect_failover(amqp_url)
    found: dict[str, dict[str, Any]] = {}
    async with connection:
        channel = await connection.channel()
        for queue_name, message_id in poison.items():
            queue = await channel.declare_queue(queue_name, passive=True)
            message = await queue.get(no_ack=False, fail=False)
            assert message is not None, f"nothing in {queue_name}"
            assert message.message_id == message_id, (queue_name, message.message_id)
            await message.ack()
            found[queue_name] = dict(message.headers)
    return found
