"""Broker factory and topology: durable quorum queues, each with its dead-letter queue."""

import logging
from typing import Any

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractConnection, AbstractExchange
from aio_pika.abc import AbstractRobustExchange as RobustExchange
from faststream import AckPolicy, BaseMiddleware
from faststream.rabbit import Channel, ExchangeType, QueueType, RabbitBroker, RabbitExchange, RabbitQueue

from contracts.topology import (
    COMMANDS_EXCHANGE,
    DEAD_LETTER_EXCHANGE,
    EVENTS_EXCHANGE,
    dead_letter_queue,
)
from efp_runtime.broker_addresses import amqp_addresses, failover_connection_class
from efp_runtime.message_context import context_of, correlation_id_var
from efp_runtime.senders import broker_user, stamp_sender
from efp_runtime.settings import RuntimeSettings

EVENTS = RabbitExchange(EVENTS_EXCHANGE, type=ExchangeType.TOPIC, durable=True)
COMMANDS = RabbitExchange(COMMANDS_EXCHANGE, type=ExchangeType.DIRECT, durable=True)
DEAD_LETTERS = RabbitExchange(DEAD_LETTER_EXCHANGE, type=ExchangeType.DIRECT, durable=True)


class CorrelationMiddleware(BaseMiddleware):
    """Stamps the correlation id of the message being handled on every log line."""

    async def on_receive(self) -> None:
        # Set on receipt, not in consume_scope: FastStream logs "Received", a handler's error and
        # "Processed" outside it. Never reset: aiormq runs each delivery in its own task.
        if self.msg is None:
            return
        context = context_of(self.msg.message_id, self.msg.correlation_id, self.msg.headers or {})
        correlation_id_var.set(context.correlation_id)


class FailoverRabbitBroker(RabbitBroker):
    """FastStream's broker over every address of an AMQP_URL (efp_runtime.broker_addresses).

    FastStream takes one URL and hands its connection arguments to aio-pika's `connect_robust`, which
    also takes the connection class to make: the one that walks the address list.
    """

    def __init__(self, amqp_url: str, **kwargs: Any) -> None:
        addresses = amqp_addresses(amqp_url)
        super().__init__(addresses[0], **kwargs)
        self._connection_kwargs["connection_class"] = failover_connection_class(addresses)


def create_broker(settings: RuntimeSettings, service: str, **kwargs: Any) -> RabbitBroker:
    """A broker that loses nothing silently.

    Publisher confirms; a handler's exception rejects the message to its dead-letter queue
    rather than requeueing it into a hot loop; FastStream's per-message access log stays
    at DEBUG. Returned messages do not raise here: RabbitMQ 3.10 returns every mandatory
    reply sent to direct reply-to as NO_ROUTE although it delivered it, which would fail
    each RPC handler after its reply. The outbox relay checks its own confirmations.
    """
    return FailoverRabbitBroker(
        settings.amqp_url,
        app_id=service,
        default_channel=Channel(
            prefetch_count=settings.prefetch_count,
            publisher_confirms=True,
            on_return_raises=False,
        ),
        ack_policy=AckPolicy.REJECT_ON_ERROR,
        logger=logging.getLogger(f"{service}.broker"),
        log_level=logging.DEBUG,
        graceful_timeout=15.0,
        # user_id on every publish (events, commands, replies), as RabbitMQ checks it: see efp_runtime.senders.
        middlewares=[CorrelationMiddleware, stamp_sender(broker_user(settings.amqp_url))],
        **kwargs,
    )


def quorum_queue(name: str, settings: RuntimeSettings, routing_key: str = "") -> RabbitQueue:
    """A durable quorum queue whose rejected and poison messages go to its dead-letter queue."""
    return RabbitQueue(
        name,
        queue_type=QueueType.QUORUM,
        durable=True,
        routing_key=routing_key,
        arguments={
            "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE,
            "x-dead-letter-routing-key": name,
            "x-delivery-limit": settings.delivery_limit,
        },
    )


def rpc_request_queue(name: str, settings: RuntimeSettings) -> RabbitQueue:
    """A service's request queue: durable quorum, bounded redeliveries, no dead-lettering.

    A request carries its caller's timeout as its expiration: once expired, its caller has answered
    503 and moved on. Dead-lettering it would set off the dead-letter alarm after every outage and
    offer the operators a replay of work nobody waits for any more; so it is dropped. A request the
    service cannot even read is logged and dropped too (its caller times out, as it would anyway).
    """
    return RabbitQueue(
        name,
        queue_type=QueueType.QUORUM,
        durable=True,
        arguments={"x-delivery-limit": settings.delivery_limit},
    )


def transient_queue(name: str) -> RabbitQueue:
    """A classic, non-durable queue without dead-lettering, for requests carrying secrets.

    Losing one on a broker restart is harmless (its caller times out and the person tries
    again); writing a password to the broker's disk is not.
    """
    return RabbitQueue(name, queue_type=QueueType.CLASSIC, durable=False, auto_delete=False)


async def declare_dead_letter_queues(broker: RabbitBroker, queue_names: list[str]) -> None:
    """Make sure each consumed queue has its dead-letter queue, before subscribers start, so
    nothing a queue rejects is ever unroutable.

    Where the provisioning step created them (efp_runtime.broker_access), the service only checks
    they exist: its broker user may not bind from the dead-letter exchange. On a bare broker
    (tests, guest) it declares and binds them itself.
    """
    exchange: RobustExchange | None = None
    for name in queue_names:
        if await _exists(broker, queue=dead_letter_queue(name)):
            continue
        exchange = exchange or await _shared_exchange(broker, DEAD_LETTERS)
        dlq = await broker.declare_queue(
            RabbitQueue(dead_letter_queue(name), queue_type=QueueType.QUORUM, durable=True)
        )
        await dlq.bind(exchange, routing_key=name)


async def declare_exchanges(broker: RabbitBroker) -> None:
    """The public and private exchanges every producer publishes to: checked where the
    provisioning step declared them (services have no right to), declared on a bare broker."""
    for exchange in (EVENTS, COMMANDS, DEAD_LETTERS):
        await _shared_exchange(broker, exchange)


async def _shared_exchange(broker: RabbitBroker, exchange: RabbitExchange) -> RobustExchange:
    if await _exists(broker, exchange=exchange.name):
        # Cached by the broker under the same key as `exchange`: subscribers and publishers that
        # name it later reuse this passive declaration instead of declaring it again.
        exchange = RabbitExchange(exchange.name, type=exchange.type, durable=exchange.durable, declare=False)
    return await broker.declare_exchange(exchange)


async def checked_exchange(
    connection: AbstractConnection, channel: AbstractChannel, exchange: RabbitExchange
) -> AbstractExchange:
    """The same, for a plain aio-pika channel (the gateway's authorization feed)."""
    exists = await _exists_on(connection, exchange=exchange.name)
    return await channel.declare_exchange(exchange.name, exchange.type.value, durable=exchange.durable, passive=exists)


async def _exists(broker: RabbitBroker, *, exchange: str | None = None, queue: str | None = None) -> bool:
    return await _exists_on(await broker.connect(), exchange=exchange, queue=queue)


async def _exists_on(connection: AbstractConnection, *, exchange: str | None = None, queue: str | None = None) -> bool:
    """A passive declaration on a channel of its own: when the name is missing the broker closes
    that channel, not the one the caller publishes and consumes on."""
    channel = await connection.channel()
    try:
        if exchange is not None:
            await channel.declare_exchange(exchange, passive=True)
        if queue is not None:
            await channel.declare_queue(queue, passive=True)
    except aio_pika.exceptions.ChannelNotFoundEntity:
        return False
    finally:
        await channel.close()
    return True
