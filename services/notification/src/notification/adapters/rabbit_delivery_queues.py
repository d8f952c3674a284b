"""The broker side of deferral: one delay queue per backoff level, and the parking queue."""

from datetime import timedelta
from typing import Any

from faststream.rabbit import QueueType, RabbitBroker, RabbitMessage, RabbitQueue
from pamqp.commands import Basic

from contracts.topology import (
    COMMANDS_EXCHANGE,
    NOTIFICATION_ABANDONED_QUEUE,
    SEND_EMAIL_ROUTING_KEY,
    notification_delay_queue,
)
from notification.domain.retry_policy import RetryPolicy

# Codes in parked commands expire within a day; after a week nobody will requeue them.
PARKING_RETENTION = timedelta(days=7)


class NotPublished(Exception):
    """The broker did not confirm the republished command; the original stays unacknowledged."""


class RabbitDeliveryQueues:
    """A deferred command is republished as it came (same body, message id and headers: the codes
    it carries never touch the database) to the delay queue of its backoff level. Its per-message
    expiration is the jittered delay; when it expires the broker dead-letters it back to
    `efp.commands` with the send-e-mail routing key, at least once. The command of an abandoned
    e-mail is parked the same way in `notification.abandoned`, where an operator can requeue it.

    Delay queues are named after their nominal delay, so changing the backoff settings declares
    new queues instead of clashing with the arguments of the old ones (which drain by themselves).
    """

    def __init__(self, broker: RabbitBroker, policy: RetryPolicy) -> None:
        self._broker = broker
        self._policy = policy

    def queues(self) -> list[RabbitQueue]:
        delays = [self._delay_queue(self._policy.nominal_delay(level)) for level in self._policy.levels]
        parking = RabbitQueue(
            NOTIFICATION_ABANDONED_QUEUE,
            queue_type=QueueType.QUORUM,
            durable=True,
            arguments={"x-message-ttl": int(PARKING_RETENTION.total_seconds() * 1000)},
        )
        return [*delays, parking]

    async def declare(self) -> None:
        for queue in self.queues():
            await self._broker.declare_queue(queue)

    async def delay(self, message: RabbitMessage, level: int, seconds: float) -> None:
        """Bring the command back in `seconds` (the jittered delay of backoff `level`)."""
        await self._republish(message, notification_delay_queue(self._policy.nominal_delay(level)), expiration=seconds)

    async def park(self, message: RabbitMessage) -> None:
        await self._republish(message, NOTIFICATION_ABANDONED_QUEUE)

    @staticmethod
    def _delay_queue(nominal_seconds: float) -> RabbitQueue:
        return RabbitQueue(
            notification_delay_queue(nominal_seconds),
            queue_type=QueueType.QUORUM,
            durable=True,
            arguments={
                # A ceiling only: each message's own expiration (< 2 × nominal, jitter < 1) comes first.
                "x-message-ttl": int(nominal_seconds * 2000),
                "x-dead-letter-exchange": COMMANDS_EXCHANGE,
                "x-dead-letter-routing-key": SEND_EMAIL_ROUTING_KEY,
                # Kept until the commands queue confirms it: an expiring command is never dropped.
                "x-dead-letter-strategy": "at-least-once",
                "x-overflow": "reject-publish",
            },
        )

    async def _republish(self, message: RabbitMessage, queue: str, expiration: float | None = None) -> None:
        raw = message.raw_message
        headers: dict[str, Any] = dict(raw.headers or {})
        confirmation = await self._broker.publish(
            raw.body,
            routing_key=queue,
            persist=True,
            mandatory=True,
            message_id=raw.message_id,
            correlation_id=raw.correlation_id,
            headers=headers,
            content_type=raw.content_type,
            content_encoding=raw.content_encoding,
            message_type=raw.type,
            timestamp=raw.timestamp,
            expiration=expiration,
        )
        # Anything but an ack raises: the handler fails and the broker moves the original to the
        # dead-letter queue, where an operator can requeue it. It is never acknowledged as done.
        if not isinstance(confirmation, Basic.Ack):
            raise NotPublished(f"command {raw.message_id} to {queue}: {confirmation!r}")
