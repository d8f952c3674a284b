"""After a fault: wait for the platform to settle, then count e-mails, leftovers and broken aggregates.

What is counted (one row of the fault table):
- expected: e-mails owed for acknowledged work (a 2xx, or a 409 meaning an unanswered attempt did it);
- received: e-mails the SMTP server accepted for those (recipient, kind) pairs;
- lost: owed e-mails that never came; duplicates: the same Message-ID twice, the same logical e-mail
  (recipient, subject, text) twice, or more of a kind than owed plus those unknown outcomes may explain;
- dead-lettered: messages in `*.dead-letter` queues (the poison scenario expects its own only);
- stuck: messages left in any other queue, and e-mails not `sent` in the notification store;
- outboxes: aggregate documents whose outbox still holds messages.
"""

import asyncio
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pymongo

from devstack.mail_recorder import MailRecorder, ReceivedMail
from devstack.pytest_plugin import Infrastructure
from efp_runtime.broker_addresses import connect_failover
from tests.faults.load import Tally, kind_of

SERVICE_DATABASES = ("identity", "habilitation", "notification")
# RabbitMQ's own per-connection queues (direct reply-to has none; FastStream may declare some).
IGNORED_QUEUES = ("amq.gen-",)


@dataclass
class Row:
    scenario: str
    sent: int = 0
    accepted: int = 0
    retried: int = 0
    # 5xx answers other than 502/503/504 (a 500): a failure in any scenario.
    server_errors: int = 0
    unknown: int = 0
    expected: int = 0
    received: int = 0
    duplicates: int = 0
    # Sent again with the same Message-ID after notification died between SMTP acceptance and its record.
    resent_same_id: int = 0
    lost: int = 0
    dead_lettered: int = 0
    stuck: int = 0
    outboxes: int = 0
    recovery_seconds: float = 0.0
    duration_seconds: float = 0.0
    problems: list[str] = field(default_factory=list)


# Every scenario's row, printed as a table at the end of the session (conftest.py).
ROWS: list[Row] = []


def queue_depths(infrastructure: Infrastructure) -> dict[str, int]:
    """Every queue's message count (ready and unacknowledged), from the node's own CLI."""
    assert infrastructure.rabbit is not None, "the fault suite needs a broker it can restart"
    result = infrastructure.rabbit.ctl("list_queues", "name", "messages", "--quiet", "--no-table-headers")
    assert result.returncode == 0, result.stderr
    depths = {}
    for line in result.stdout.splitlines():
        name, _, count = line.strip().rpartition("\t")
        if name and count.isdigit() and not name.startswith(IGNORED_QUEUES):
            depths[name] = int(count)
    return depths


def _databases(client: pymongo.MongoClient[dict[str, Any]], prefix: str) -> dict[str, Any]:
    return {name: client[f"{prefix}{name}"] for name in SERVICE_DATABASES}


def outboxes_left(client: pymongo.MongoClient[dict[str, Any]], prefix: str) -> list[str]:
    left = []
    for name, database in _databases(client, prefix).items():
        for collection in database.list_collection_names():
            n = database[collection].count_documents({"outbox.message_id": {"$exists": True}})
            if n:
                left.append(f"{name}.{collection}: {n}")
    return left


def unsent_emails(client: pymongo.MongoClient[dict[str, Any]], prefix: str) -> Counter[str]:
    emails = client[f"{prefix}notification"]["emails"]
    return Counter(doc["state"] for doc in emails.find({"state": {"$ne": "sent"}}, {"state": 1}))


def _owed_arrived(mail_server: MailRecorder, tally: Tally) -> bool:
    got = Counter((to, kind_of(m.subject)) for to, _ in tally.expected for m in mail_server.mails_to(to))
    return all(got[key] >= n for key, n in tally.expected.items())


def settle(infrastructure: Infrastructure, mail_server: MailRecorder, tally: Tally, timeout: float = 150) -> list[str]:
    """Wait until every owed e-mail came and nothing is left in flight; returns what never settled."""
    client: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(infrastructure.mongodb_url)
    try:
        deadline = time.monotonic() + timeout
        late: list[str] = []
        while time.monotonic() < deadline:
            depths = queue_depths(infrastructure)
            busy = {q: n for q, n in depths.items() if n and not q.endswith(".dead-letter")}
            outboxes = outboxes_left(client, infrastructure.database_prefix)
            unsent = unsent_emails(client, infrastructure.database_prefix)
            late = [f"queues {busy}"] if busy else []
            late += [f"outboxes {outboxes}"] if outboxes else []
            late += [f"e-mails not sent {dict(unsent)}"] if unsent else []
            if not late and _owed_arrived(mail_server, tally):
                break
            time.sleep(1)
        # A duplicate (a command redelivered after a crash, an outbox published twice) would come
        # right behind: give it the time of a sending lease and a retry before counting.
        time.sleep(4)
        return late
    finally:
        client.close()


def count_emails(
    row: Row, mail_server: MailRecorder, tally: Tally, already: list[ReceivedMail], resend_window: bool = False
) -> None:
    """Fill the e-mail columns from what the SMTP server accepted; `already` were counted before.

    SMTP cannot be asked whether a message arrived: when notification is killed between the server's
    250 and its record of `sent`, it sends that e-mail again, the same message with the same Message-ID
    (which mail clients collapse), rather than risk losing it. With `resend_window` (the scenario that
    kills notification) such a repeat is counted apart; any other repeat — another Message-ID, or the
    same one in any other scenario — is a duplicate.
    """
    resent: Counter[tuple[str, str]] = Counter()
    seen_ids = Counter(m.message_id for m in already)
    seen_logical = Counter(_logical(m) for m in already)
    for mail in mail_server.received()[len(already) :]:
        logical = _logical(mail)
        if resend_window and seen_ids[mail.message_id] and seen_logical[logical]:
            row.resent_same_id += 1
            resent.update((to, kind_of(mail.subject)) for to in mail.envelope_to)
        elif seen_ids[mail.message_id] or seen_logical[logical]:
            row.duplicates += 1
            row.problems.append(f"duplicate e-mail {mail.message_id} {mail.subject!r} to {mail.envelope_to}")
        seen_ids[mail.message_id] += 1
        seen_logical[logical] += 1
    keys = set(tally.expected) | set(tally.maybe)
    recipients = {to for to, _ in keys}
    got: Counter[tuple[str, str]] = Counter()
    for to in recipients:
        for mail in mail_server.mails_to(to):
            got[(to, kind_of(mail.subject))] += 1
    row.expected = sum(tally.expected.values())
    for key in keys:
        owed, maybe, n = tally.expected[key], tally.maybe[key], got[key] - resent[key]
        row.received += min(n, owed + maybe)
        if n < owed:
            row.lost += owed - n
            row.problems.append(f"lost: {owed - n} × {key[1]!r} to {key[0]}")
        if n > owed + maybe:
            row.duplicates += n - owed - maybe
            row.problems.append(f"too many: {n} × {key[1]!r} to {key[0]} (owed {owed}, maybe {maybe})")


async def _dead_letter_reasons(amqp_url: str, queue_name: str) -> Counter[str]:
    """(type, first death reason) of the messages in a dead-letter queue, left where they are."""
    reasons: Counter[str] = Counter()
    connection = await connect_failover(amqp_url)
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue(queue_name, passive=True)
        held = []
        while (message := await queue.get(no_ack=False, fail=False)) is not None:
            held.append(message)
            reason = (message.headers or {}).get("x-first-death-reason")
            reasons[f"{message.type} {reason!s}"] += 1
        for message in held:
            await message.nack(requeue=True)
    return reasons


def _logical(mail: ReceivedMail) -> tuple[str, str, str]:
    return (",".join(sorted(mail.envelope_to)), mail.subject, mail.body())


def count_leftovers(
    row: Row, infrastructure: Infrastructure, dead_before: dict[str, int], expected_dead: dict[str, int]
) -> None:
    """Queues, outboxes and the notification store, once settled. Dead letters are counted from
    `dead_before` (the depths when the scenario began): each scenario answers for its own."""
    for queue, n in queue_depths(infrastructure).items():
        if queue.endswith(".dead-letter"):
            new = n - dead_before.get(queue, 0)
            row.dead_lettered += new
            if new != expected_dead.get(queue, 0):
                why = asyncio.run(_dead_letter_reasons(infrastructure.amqp_url, queue))
                row.problems.append(f"{new} new message(s) in {queue} (expected {expected_dead.get(queue, 0)}): {why}")
        elif n:
            row.stuck += n
            row.problems.append(f"{n} message(s) stuck in {queue}")
    client: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(infrastructure.mongodb_url)
    try:
        left = outboxes_left(client, infrastructure.database_prefix)
        row.outboxes = len(left)
        row.problems += [f"outbox not drained: {entry}" for entry in left]
        unsent = unsent_emails(client, infrastructure.database_prefix)
        row.stuck += sum(unsent.values())
        row.problems += [f"{n} e-mail(s) {state} in the notification store" for state, n in unsent.items()]
    finally:
        client.close()


def check_aggregates(row: Row, infrastructure: Infrastructure, tally: Tally) -> None:
    """Each service's documents say what the acknowledged work says, and no state is half-made."""
    client: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(infrastructure.mongodb_url)
    dbs = _databases(client, infrastructure.database_prefix)
    identity, habilitation = dbs["identity"], dbs["habilitation"]
    try:
        for email in tally.accounts:
            account = identity["accounts"].find_one({"email": email}, {"_id": 1})
            if account is None or not habilitation["accounts"].find_one({"_id": account["_id"]}, {"_id": 1}):
                row.problems.append(f"account {email}: in identity {account is not None}, not copied to habilitation")
        for request_id, account_id, _siret in tally.accepted_requests:
            doc = habilitation["access_requests"].find_one({"_id": request_id}, {"state": 1, "account_id": 1})
            if doc is None or doc["state"] != "accepted" or doc["account_id"] != account_id:
                row.problems.append(f"access request {request_id} acknowledged accepted, stored as {doc}")
        # Every request in the store, not only ours: legal state, and accepted ⇔ its habilitation exists
        # (their ids derive from the request's: accepting again finds them instead of granting twice).
        for doc in habilitation["access_requests"].find({}, {"state": 1}):
            granted = habilitation["habilitations"].find_one({"_id": _first_grant(doc["_id"])}, {"state": 1})
            if doc["state"] not in ("pending", "accepted", "refused", "cancelled"):
                row.problems.append(f"access request {doc['_id']} in unknown state {doc['state']}")
            elif (doc["state"] == "accepted") != (granted is not None):
                row.problems.append(f"access request {doc['_id']} {doc['state']} but habilitation {granted}")
        for siren, email in tally.invitations:
            found = list(habilitation["invitations"].find({"siren": siren, "email": email}, {"state": 1}))
            if [d["state"] for d in found] != ["sent"]:
                row.problems.append(f"invitation of {email} by {siren}: stored {found}")
        for doc in habilitation["habilitations"].find({"state": {"$nin": ["active", "revoked", "expired"]}}):
            row.problems.append(f"habilitation {doc['_id']} in unknown state {doc['state']}")
    finally:
        client.close()


def _first_grant(request_id: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{request_id}/0"))
