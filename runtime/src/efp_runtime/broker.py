"""Broker factory and topology: durable quorum queues, each with its dead-letter queue."""

import logging
from typing import Any

from faststream import AckPolicy, BaseMiddleware
from faststream.rabbit import Channel, ExchangeType, QueueType, RabbitBroker, RabbitExchange, RabbitQueue

from contracts.topology import (
    COMMANDS_EXCHANGE,
    DEAD_LETTER_EXCHANGE,
    EVENTS_EXCHANGE,
    dead_letter_queue,
)
from efp_runtime.message_context import context_of, correlation_id_var
from efp_runtime.settings import RuntimeSettings

EVENTS = RabbitExchange(EVENTS_EXCHANGE, type=ExchangeType.TOPIC, durable=True)
COMMANDS = RabbitExchange(COMMANDS_EXCHANGE, type=ExchangeType.DIRECT, durable=True)
DEAD_LETTERS = RabbitExchange(DEAD_LETTER_EXCHANGE, type=ExchangeType.DIRECT, durable=True)


class CorrelationMiddleware(BaseMiddleware):
    """Stamps the correlation id of the message being handled on every log line."""

    async def consume_scope(self, call_next: Any, msg: Any) -> Any:
        context = context_of(msg.message_id, msg.correlation_id, msg.headers or {})
        token = correlation_id_var.set(context.correlation_id)
        try:
            return await call_next(msg)
        finally:
            correlation_id_var.reset(token)


def create_broker(settings: RuntimeSettings, service: str, **kwargs: Any) -> RabbitBroker:
    """A broker that loses nothing silently.

    Publisher confirms; a handler's exception rejects the message to its dead-letter queue
    rather than requeueing it into a hot loop; FastStream's per-message access log stays
    at DEBUG. Returned messages do not raise here: RabbitMQ 3.10 returns every mandatory
    reply sent to direct reply-to as NO_ROUTE although it delivered it, which would fail
    each RPC handler after its reply. The outbox relay checks its own confirmations.
    """
    return RabbitBroker(
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
        middlewares=[CorrelationMiddleware],
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


def transient_queue(name: str) -> RabbitQueue:
    """A classic, non-durable queue without dead-lettering, for requests carrying secrets.

    Losing one on a broker restart is harmless (its caller times out and the person tries
    again); writing a password to the broker's disk is not.
    """
    return RabbitQueue(name, queue_type=QueueType.CLASSIC, durable=False, auto_delete=False)


async def declare_dead_letter_queues(broker: RabbitBroker, queue_names: list[str]) -> None:
    """Declare the dead-letter exchange and one dead-letter queue per consumed queue.

    Called before subscribers start, so nothing a queue rejects is ever unroutable.
    """
    exchange = await broker.declare_exchange(DEAD_LETTERS)
    for name in queue_names:
        dlq = await broker.declare_queue(
            RabbitQueue(dead_letter_queue(name), queue_type=QueueType.QUORUM, durable=True)
        )
        await dlq.bind(exchange, routing_key=name)


async def declare_exchanges(broker: RabbitBroker) -> None:
    """The public and private exchanges every producer publishes to."""
    for exchange in (EVENTS, COMMANDS, DEAD_LETTERS):
        await broker.declare_exchange(exchange)
