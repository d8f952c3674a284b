"""Dead letters of every queue, at the broker level: read without consuming, replayed into their queue.

Every consumed queue `Q` dead-letters into `Q.dead-letter` (efp_runtime.broker). Reading takes each
message with basic.get and holds it unacknowledged until the scan ends (so the queue hands out the next
one, not the same one again), then gives it back with a nack and requeue: a look never removes anything.

A replay publishes a copy (body, ids, type, headers, x-death included for the record) through the
default exchange straight into `Q`, waits for the broker's confirm, and only then acknowledges the dead
letter: a crash in between replays it twice, which consumers absorb (they deduplicate on the message id).
Straight into `Q`, not to the exchange it was first published to: an event on the topic exchange would
reach every other subscriber again, and a command retried through a delay queue first "died" there.
"""

import contextlib
import logging
from collections.abc import AsyncIterator, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractConnection, AbstractIncomingMessage

from contracts.topology import DEAD_LETTERED_QUEUES, dead_letter_queue
from efp_runtime.message_copy import persistent_copy
from notification.entrypoints import operator as notification

SUFFIX = dead_letter_queue("")
# Looked at by default: every queue with a dead-letter queue, as contracts.topology lists them (the
# broker tests check the running system declares no other). `--queue` reaches any other queue all the same.
# Request queues (`<service>.rpc`) have none: an expired request is dropped (broker.rpc_request_queue).
KNOWN_QUEUES = DEAD_LETTERED_QUEUES
# A replay holds every dead letter of a queue at once while it looks for the ones asked for.
SCAN_LIMIT = 10_000
# Broker-owned counter of deliveries from the dead queue: a replayed message starts afresh in Q.
BROKER_COUNTERS = ("x-delivery-count",)
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeadLetter:
    queue: str
    message_id: str
    type: str | None
    reason: str | None
    died_at: datetime | None
    app_id: str | None
    correlation_id: str | None
    # Secrets (codes, tokens, passwords) masked: safe to print.
    body: str


def source_queue(name: str) -> str:
    """`Q` for `Q` or `Q.dead-letter`."""
    return name[: -len(SUFFIX)] if name.endswith(SUFFIX) else name


class DeadLetterQueues:
    def __init__(self, connection: AbstractConnection, sender: str | None = None) -> None:
        """`sender`: the connection's broker user, stamped as `user_id` on the replayed copies."""
        self._connection = connection
        self._sender = sender

    async def peek(self, queues: Iterable[str], limit: int) -> list[DeadLetter]:
        """At most `limit` dead letters per queue, oldest first; nothing is removed."""
        found: list[DeadLetter] = []
        for queue in queues:
            async with self._taken(queue, limit) as (_, messages):
                found += [_dead_letter(queue, message) for message in messages]
        return found

    async def replay(self, queues: Iterable[str], message_ids: Collection[str] | None) -> list[tuple[str, str]]:
        """Replay those with these ids (all when None) into their queue; returns (queue, message id) replayed."""
        wanted = None if message_ids is None else set(message_ids)
        replayed: list[tuple[str, str]] = []
        for queue in queues:
            async with self._taken(queue, SCAN_LIMIT) as (channel, messages):
                done: set[str] = set()
                for message in messages:
                    message_id = message.message_id or ""
                    if wanted is not None and message_id not in wanted:
                        continue
                    # Several dead copies of one message (redelivered, then rejected again) go back once.
                    if message_id not in done:
                        await channel.default_exchange.publish(
                            _copy(message, self._sender), routing_key=queue, mandatory=True
                        )
                        done.add(message_id)
                        replayed.append((queue, message_id))
                        logger.info("replayed %s into %s", message_id, queue)
                    await message.ack()
        return replayed

    @contextlib.asynccontextmanager
    async def _taken(
        self, queue: str, limit: int
    ) -> AsyncIterator[tuple[AbstractChannel, list[AbstractIncomingMessage]]]:
        """The queue's dead letters, held; those not acknowledged inside go back. A queue the broker
        does not have (a service not started yet) has none."""
        # One channel per queue: the broker closes the channel of a passive declare that finds nothing.
        channel = await self._connection.channel(publisher_confirms=True, on_return_raises=True)
        try:
            try:
                dead = await channel.declare_queue(dead_letter_queue(queue), passive=True)
            except aio_pika.exceptions.ChannelNotFoundEntity:
                logger.info("no queue %s on the broker", dead_letter_queue(queue))
                yield channel, []
                return
            messages: list[AbstractIncomingMessage] = []
            try:
                while len(messages) < limit:
                    message = await dead.get(no_ack=False, fail=False)
                    if message is None:
                        break
                    messages.append(message)
                yield channel, messages
            finally:
                for message in messages:
                    if not message.processed:
                        await message.nack(requeue=True)
        finally:
            # Already closed by the broker when the queue was missing.
            with contextlib.suppress(aio_pika.exceptions.AMQPError, RuntimeError):
                await channel.close()


def _copy(message: AbstractIncomingMessage, sender: str | None) -> aio_pika.Message:
    """The same message, x-death kept for the record, without the broker's delivery counters, sent by `sender`."""
    headers = {name: value for name, value in (message.headers or {}).items() if name not in BROKER_COUNTERS}
    return persistent_copy(message, headers, user_id=sender)


def _dead_letter(queue: str, message: AbstractIncomingMessage) -> DeadLetter:
    death = _death_in(queue, (message.headers or {}).get("x-death"))
    died_at = death.get("time")
    return DeadLetter(
        queue=queue,
        message_id=message.message_id or "",
        type=message.type,
        reason=_text(death.get("reason")),
        died_at=died_at if isinstance(died_at, datetime) else None,
        app_id=message.app_id,
        correlation_id=message.correlation_id,
        body=notification.masked_body(message.body),
    )


def _death_in(queue: str, deaths: Any) -> dict[str, Any]:
    """The x-death entry of `queue` (one per queue and reason, most recent first), else the latest."""
    entries = [entry for entry in deaths if isinstance(entry, dict)] if isinstance(deaths, list) else []
    for entry in entries:
        if _text(entry.get("queue")) == queue:
            return entry
    return entries[0] if entries else {}


def _text(value: Any) -> str | None:
    if isinstance(value, bytes):
        return value.decode()
    return str(value) if value is not None else None
