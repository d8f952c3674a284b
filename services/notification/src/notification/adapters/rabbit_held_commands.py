"""Commands set aside in a queue (dead letters, parked commands), read and requeued over AMQP."""

from collections.abc import Collection
from datetime import datetime
from typing import Any

from aio_pika.abc import AbstractChannel, AbstractIncomingMessage

from contracts.topology import COMMANDS_EXCHANGE, SEND_EMAIL_ROUTING_KEY
from efp_runtime.message_copy import persistent_copy
from notification.use_cases.abandoned.ports import HeldCommand


class RabbitHeldCommands:
    """Reading never consumes for good: every message is fetched with basic.get and held unacknowledged
    until the scan ends (so the queue hands out the next one, not the same one again), then returned
    with a nack and requeue. These queues have no delivery limit, so a look never dead-letters them.
    """

    def __init__(
        self,
        channel: AbstractChannel,
        queue_name: str,
        *,
        exchange: str = COMMANDS_EXCHANGE,
        routing_key: str = SEND_EMAIL_ROUTING_KEY,
        scan_limit: int = 10_000,
        sender: str | None = None,
    ) -> None:
        """`channel` must have publisher confirms: a requeued command is acknowledged only once confirmed.
        `sender` is the channel's broker user, stamped as `user_id` on what it requeues."""
        self._channel = channel
        self._queue_name = queue_name
        self._exchange = exchange
        self._routing_key = routing_key
        self._scan_limit = scan_limit
        self._sender = sender

    async def peek(self, limit: int) -> list[HeldCommand]:
        messages = await self._take(limit)
        try:
            return [_held(message) for message in messages]
        finally:
            await _give_back(messages)

    async def requeue(self, message_ids: Collection[str] | None) -> list[str]:
        wanted = None if message_ids is None else set(message_ids)
        messages = await self._take(self._scan_limit)
        commands = await self._channel.get_exchange(self._exchange)
        requeued: list[str] = []
        try:
            for message in messages:
                message_id = message.message_id or ""
                if wanted is not None and message_id not in wanted:
                    continue
                # Several parked copies of one command (a crash while parking) go back once.
                if message_id not in requeued:
                    await commands.publish(
                        persistent_copy(message, user_id=self._sender), routing_key=self._routing_key, mandatory=True
                    )
                    requeued.append(message_id)
                await message.ack()
        finally:
            await _give_back(messages)
        return requeued

    async def _take(self, limit: int) -> list[AbstractIncomingMessage]:
        queue = await self._channel.declare_queue(self._queue_name, passive=True)
        taken: list[AbstractIncomingMessage] = []
        while len(taken) < limit:
            message = await queue.get(no_ack=False, fail=False)
            if message is None:
                break
            taken.append(message)
        return taken


async def _give_back(messages: list[AbstractIncomingMessage]) -> None:
    for message in messages:
        if not message.processed:
            await message.nack(requeue=True)


def _held(message: AbstractIncomingMessage) -> HeldCommand:
    deaths: Any = (message.headers or {}).get("x-death") or [{}]
    # RabbitMQ keeps the most recent death first.
    latest: dict[str, Any] = deaths[0] if isinstance(deaths, list) and deaths else {}
    died_at = latest.get("time")
    return HeldCommand(
        message_id=message.message_id or "",
        message_type=message.type,
        body=message.body,
        headers=dict(message.headers or {}),
        death_reason=_text(latest.get("reason")),
        death_queue=_text(latest.get("queue")),
        died_at=died_at if isinstance(died_at, datetime) else None,
    )


def _text(value: Any) -> str | None:
    if isinstance(value, bytes):
        return value.decode()
    return str(value) if value is not None else None
