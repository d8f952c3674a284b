"""A replica's own queue of some public events: what keeps each of its in-memory copies current (the
authorization copy, the session cache).

Each replica answers from its own memory, so each needs every event: a shared queue would give each
event to one replica only. The queue is classic, exclusive and auto-deleted: it lives and dies with
the copy it feeds. Nothing in it is worth keeping once the replica is gone, and a dead replica leaves
no queue behind to fill up. Messages are consumed without acknowledgements for the same reason: a
crash loses the copy along with the messages.

What the queue cannot cover is the time it did not exist: before start-up, and while the connection
was down (the broker deletes an exclusive queue with its connection). The copy is told both
(`on_lost`, `on_restored`: after a reconnection aio-pika has declared, bound and consumed a new,
empty queue) and makes up for them its own way.

Only events from the broker user their type names (efp_runtime.senders) are passed on: another
service or the operator cannot feed a copy. What cannot be read is passed on as `on_unreadable`:
the producer's own events, so a bug, after which the copy may miss a change.
"""

import logging
import uuid
from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

from aio_pika.abc import AbstractIncomingMessage, AbstractRobustConnection
from pydantic import ValidationError

from contracts.base import Event
from efp_runtime.broker import EVENTS, checked_exchange
from efp_runtime.broker_addresses import connect_failover
from efp_runtime.senders import SenderCheck

logger = logging.getLogger(__name__)
E = TypeVar("E", bound=Event)


class EventQueue(Generic[E]):
    def __init__(
        self,
        amqp_url: str,
        prefix: str,
        connection_name: str,
        events: Mapping[str, type[E]],
        on_event: Callable[[E], None],
        *,
        on_unreadable: Callable[[], None],
        on_lost: Callable[[], None],
        on_restored: Callable[[], None],
        senders: SenderCheck | None = None,
    ) -> None:
        """`prefix`: the queue's name before a random suffix (the broker user may declare only those);
        `connection_name`: as operators see it in the console; `events`: the types to bind, by routing key."""
        self.queue_name = f"{prefix}.{uuid.uuid4().hex[:12]}"
        self._url = amqp_url
        self._connection_name = connection_name
        self._events = dict(events)
        self._on_event = on_event
        self._on_unreadable = on_unreadable
        self._on_lost = on_lost
        self._on_restored = on_restored
        self._senders = senders or SenderCheck.of(amqp_url)
        self.connection: AbstractRobustConnection | None = None

    async def start(self) -> None:
        """Declare, bind and consume; the copy hears of every event published from now on."""
        properties = {"connection_name": self._connection_name}
        self.connection = await connect_failover(self._url, client_properties=properties)
        channel = await self.connection.channel()
        # Only checked where provisioning declared it: the gateway's broker user may not configure it.
        exchange = await checked_exchange(self.connection, channel, EVENTS)
        queue = await channel.declare_queue(self.queue_name, exclusive=True, auto_delete=True)
        for routing_key in self._events:
            await queue.bind(exchange, routing_key=routing_key)
        await queue.consume(self._on_message, no_ack=True)
        self.connection.reconnect_callbacks.add(self._reconnected)
        self.connection.close_callbacks.add(self._lost)

    async def close(self) -> None:
        if self.connection is not None:
            # Closing is no loss to report.
            self.connection.close_callbacks.discard(self._lost)
            await self.connection.close()

    async def _on_message(self, message: AbstractIncomingMessage) -> None:
        event_type = self._events.get(message.routing_key or "")
        # Whatever its routing key (one put straight into this queue through the default exchange has the
        # queue's name), only the type's producer is heard: dropped (and logged) otherwise, before an
        # unreadable message another sender could send at will sets the copy off.
        claimed = event_type.MESSAGE_TYPE if event_type else next(iter(self._events))
        if not self._senders.allows(message.user_id, claimed):
            return
        try:
            if event_type is None:
                raise ValueError(f"unexpected routing key {message.routing_key!r}")
            event = event_type.model_validate_json(message.body)
        except (ValidationError, ValueError):
            logger.exception("unreadable event %s in %s", message.message_id, self.queue_name)
            self._on_unreadable()
            return
        self._on_event(event)

    def _lost(self, *_: Any) -> None:
        # Events published from now on are lost with the exclusive queue.
        logger.warning("event connection lost: %s", self._connection_name)
        self._on_lost()

    def _reconnected(self, *_: Any) -> None:
        logger.warning("event connection restored: %s", self._connection_name)
        self._on_restored()
