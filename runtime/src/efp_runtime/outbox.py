"""Transactional outbox kept inside the aggregate document, and the relay that drains it.

A use case saves the aggregate and the messages it caused in one single-document write
(`pending_messages(...)` goes into the same `$set`). The relay publishes each message with
publisher confirms and only then pulls it from the document. A crash between the two makes
the relay publish it again: consumers deduplicate on the message id.
"""

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from typing import Any

from faststream.rabbit import RabbitBroker, RabbitExchange
from pamqp.commands import Basic
from pymongo import UpdateOne
from pymongo.asynchronous.collection import AsyncCollection

from contracts.base import Command, Event
from contracts.envelope import Envelope
from contracts.notification import EmailContent, SendEmailV1
from contracts.topology import SEND_EMAIL_ROUTING_KEY
from efp_runtime.broker import COMMANDS, EVENTS
from efp_runtime.message_context import MessageContext, amqp_properties

OUTBOX_FIELD = "outbox"
# Documents a relay drains side by side.
BATCH = 32
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutboxMessage:
    """A message waiting in an aggregate document to be published."""

    message_id: str
    type: str
    exchange: str
    routing_key: str
    body: str
    correlation_id: str
    causation_id: str | None
    occurred_at: datetime
    producer: str
    # Commands must reach their queue (an unroutable one stays in the outbox);
    # an event nobody subscribes to yet is not an error.
    mandatory: bool
    # The event's CloudEvents subject. Last, with a default: documents stored before it existed still load.
    subject: str | None = None

    def envelope(self) -> Envelope:
        return Envelope(
            message_id=self.message_id,
            type=self.type,
            occurred_at=self.occurred_at,
            correlation_id=self.correlation_id,
            causation_id=self.causation_id,
            producer=self.producer,
            subject=self.subject,
        )


def event_message(event: Event, context: MessageContext, producer: str) -> OutboxMessage:
    """A public event; its type is its routing key on the events exchange."""
    envelope = context.envelope_for(event.MESSAGE_TYPE, producer, subject=event.cloudevents_subject())
    return _message(envelope, EVENTS.name, event.MESSAGE_TYPE, event.model_dump_json(), mandatory=False)


def command_message(command: Command, routing_key: str, context: MessageContext, producer: str) -> OutboxMessage:
    """A private command to another service's command queue."""
    envelope = context.envelope_for(command.MESSAGE_TYPE, producer)
    return _message(envelope, COMMANDS.name, routing_key, command.model_dump_json(), mandatory=True)


def _message(envelope: Envelope, exchange: str, routing_key: str, body: str, *, mandatory: bool) -> OutboxMessage:
    return OutboxMessage(
        message_id=envelope.message_id,
        type=envelope.type,
        exchange=exchange,
        routing_key=routing_key,
        body=body,
        correlation_id=envelope.correlation_id,
        causation_id=envelope.causation_id,
        occurred_at=envelope.occurred_at,
        producer=envelope.producer,
        mandatory=mandatory,
        subject=envelope.subject,
    )


class Outgoing:
    """The messages one use case causes, all with the same cause and producer: the one way to build them.

    The use case stores `messages` with its aggregate in one write (`pending_messages`); the relay
    publishes them.
    """

    def __init__(self, producer: str, context: MessageContext) -> None:
        self._producer = producer
        self._context = context
        self.messages: list[OutboxMessage] = []

    def event(self, event: Event) -> None:
        self.messages.append(event_message(event, self._context, self._producer))

    def command(self, command: Command, routing_key: str) -> None:
        self.messages.append(command_message(command, routing_key, self._context, self._producer))

    def email(
        self,
        to: str,
        content: EmailContent,
        account_id: str | None = None,
        siren: str | None = None,
        requester: str | None = None,
        mentions: Sequence[str | None] = (),
    ) -> None:
        """An e-mail for the notification service to send (its content model names its template);
        `requester`: who caused it (an address, an account), for notification's per-requester budget;
        `mentions`: the other accounts the body names (a deleted one gets this body erased too)."""
        named = sorted({m for m in mentions if m and m != account_id})
        command = SendEmailV1(
            to=to, content=content, account_id=account_id, siren=siren, requester=requester, mentions=named
        )
        self.command(command, SEND_EMAIL_ROUTING_KEY)


def stored_message(document: dict[str, Any]) -> OutboxMessage:
    """An outbox entry as stored: fields it lacks take their defaults (entries written before they existed),
    fields this version does not know are left (entries written by a newer replica during a deployment)."""
    known = {f.name for f in fields(OutboxMessage)}
    return OutboxMessage(**{name: value for name, value in document.items() if name in known})


def pending_messages(messages: Sequence[OutboxMessage]) -> list[dict[str, Any]]:
    """The documents to store under `outbox` in the aggregate's write."""
    return [asdict(m) for m in messages]


# A kicked document: its collection, its id, and the messages its write stored (empty: read them).
Kick = tuple[str, Any, tuple[OutboxMessage, ...]]


class OutboxRelay:
    """Publishes the outbox of the given collections: at once when kicked, and by polling.

    Polling finds what a crashed process left behind. Documents are drained one at a
    time per relay; several replicas may publish a message twice, never zero times.
    """

    def __init__(
        self,
        broker: RabbitBroker,
        collections: Sequence[AsyncCollection[dict[str, Any]]],
        poll_seconds: float,
    ) -> None:
        self._broker = broker
        self._collections = {c.name: c for c in collections}
        self._poll_seconds = poll_seconds
        self._kicks: asyncio.Queue[Kick] = asyncio.Queue()
        # The messages the last polling pass published: a kick queued while it ran skips those.
        self._scanned: set[str] = set()
        self._exchanges = {e.name: e for e in (EVENTS, COMMANDS)}

    def kick(self, collection: str, document_id: Any, messages: Sequence[OutboxMessage] = ()) -> None:
        """Ask for a document's outbox to be published now (after a successful write). `messages`: what
        that write stored, published as they are instead of reading the document back (one read fewer per
        write); any older ones the document still holds wait for the poll. Without them, the outbox is read."""
        self._kicks.put_nowait((collection, document_id, tuple(messages)))

    async def run(self) -> None:
        """Run until cancelled. Kicked documents go out at once; a full scan runs every poll
        interval even under steady kicks, so writes that kick nobody (sweepers, a crashed
        replica's leftovers) wait one interval at most."""
        loop = asyncio.get_running_loop()
        next_scan = loop.time()
        while True:
            try:
                if loop.time() >= next_scan:
                    next_scan = loop.time() + self._poll_seconds
                    # The kicks queued before the scan name writes it reads: once it has published them,
                    # publishing their messages from memory again would send each twice. Those queued while
                    # it runs may name writes it saw or not: they skip what it published (`_scanned`).
                    seen = self._kicks.qsize()
                    await self.drain_all()
                    for _ in range(seen):
                        self._kicks.get_nowait()
                    continue
                first = await asyncio.wait_for(self._kicks.get(), max(0.0, next_scan - loop.time()))
                await self._drain_batch(first)
            except TimeoutError:
                continue
            except asyncio.CancelledError:
                raise
            except Exception:
                # The broker or store is away: the messages stay in the outbox.
                logger.exception("outbox relay failed; retrying in %ss", self._poll_seconds)
                await asyncio.sleep(self._poll_seconds)

    async def _drain_batch(self, first: Kick) -> None:
        """The first kick and all those queued behind it, drained side by side: a busy service's
        e-mails wait for one round of confirmations, not for every document before them; and one
        read (for kicks without their messages) and one write per collection for the whole batch."""
        batch = {first}
        while len(batch) < BATCH and not self._kicks.empty():
            batch.add(self._kicks.get_nowait())
        to_read: dict[str, list[Any]] = {}
        known: dict[str, list[tuple[Any, OutboxMessage]]] = {}
        for name, doc_id, messages in batch:
            if not messages:
                to_read.setdefault(name, []).append(doc_id)
            elif fresh := [(doc_id, m) for m in messages if m.message_id not in self._scanned]:
                known.setdefault(name, []).extend(fresh)
        results = await asyncio.gather(
            *(self._drain_many(name, ids) for name, ids in to_read.items()),
            *(self._publish_then_pull(name, pending) for name, pending in known.items()),
            return_exceptions=True,
        )
        failures = [r for r in results if isinstance(r, BaseException)]
        if failures:
            raise failures[0]

    async def drain_all(self) -> int:
        """Publish every pending message of every collection; returns how many."""
        published, scanned = 0, set[str]()
        try:
            for name, collection in self._collections.items():
                ids: list[Any] = []
                # Served by each collection's sparse index on `outbox.message_id`, not a full scan.
                async for doc in collection.find({f"{OUTBOX_FIELD}.message_id": {"$exists": True}}, {"_id": 1}):
                    ids.append(doc["_id"])
                    if len(ids) == BATCH:
                        published += await self._drain_many(name, ids, scanned)
                        ids = []
                if ids:
                    published += await self._drain_many(name, ids, scanned)
        finally:
            self._scanned = scanned
        return published

    async def _drain_many(self, collection_name: str, document_ids: list[Any], scanned: set[str] | None = None) -> int:
        """All pending messages of these documents go out side by side; only the confirmed ones are removed
        (and their ids added to `scanned`)."""
        cursor = self._collections[collection_name].find({"_id": {"$in": document_ids}}, {OUTBOX_FIELD: 1})
        pending = [(doc["_id"], stored_message(m)) async for doc in cursor for m in doc.get(OUTBOX_FIELD, [])]
        return await self._publish_then_pull(collection_name, pending, scanned)

    async def _publish_then_pull(
        self, collection_name: str, pending: list[tuple[Any, OutboxMessage]], scanned: set[str] | None = None
    ) -> int:
        results = await asyncio.gather(*(self._publish(m) for _, m in pending), return_exceptions=True)
        confirmed: dict[Any, list[str]] = {}
        for (doc_id, message), result in zip(pending, results, strict=True):
            if not isinstance(result, BaseException):
                confirmed.setdefault(doc_id, []).append(message.message_id)
                if scanned is not None:
                    scanned.add(message.message_id)
        if confirmed:
            pulls = [
                UpdateOne({"_id": doc_id}, {"$pull": {OUTBOX_FIELD: {"message_id": {"$in": ids}}}})
                for doc_id, ids in confirmed.items()
            ]
            await self._collections[collection_name].bulk_write(pulls, ordered=False)
        failures = [r for r in results if isinstance(r, BaseException)]
        if failures:
            raise failures[0]
        return len(pending)

    async def drain(self, collection_name: str, document_id: Any) -> int:
        """Publish one document's outbox now; returns how many messages it held."""
        return await self._drain_many(collection_name, [document_id])

    async def _publish(self, message: OutboxMessage) -> None:
        exchange: RabbitExchange = self._exchanges[message.exchange]
        confirmation = await self._broker.publish(
            message.body.encode(),
            exchange=exchange,
            routing_key=message.routing_key,
            persist=True,
            mandatory=message.mandatory,
            content_type="application/json",
            **amqp_properties(message.envelope()),
        )
        # Anything but an ack (a returned message, a nack) leaves it in the outbox for later.
        if not isinstance(confirmation, Basic.Ack):
            raise NotPublished(f"{message.type} {message.message_id} to {message.routing_key}: {confirmation!r}")


class NotPublished(Exception):
    """The broker did not take the message (no queue bound for a command, or a nack)."""
