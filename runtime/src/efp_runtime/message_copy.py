"""A received message copied for publishing again (a dead letter replayed, a held command released)."""

from collections.abc import Mapping
from typing import Any

import aio_pika
from aio_pika.abc import AbstractIncomingMessage


def persistent_copy(
    message: AbstractIncomingMessage, headers: Mapping[str, Any] | None = None, *, user_id: str | None = None
) -> aio_pika.Message:
    """Body, ids and properties as received, persistent; `headers` replaces the received ones.
    No reply-to: whoever waited for an answer to the original is gone. Not the received `user_id`:
    RabbitMQ refuses one that is not the publisher's own, so `user_id` names the one publishing again."""
    return aio_pika.Message(
        message.body,
        headers=dict(message.headers or {}) if headers is None else dict(headers),
        content_type=message.content_type,
        content_encoding=message.content_encoding,
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        correlation_id=message.correlation_id,
        message_id=message.message_id,
        timestamp=message.timestamp,
        type=message.type,
        app_id=message.app_id,
        user_id=user_id,
    )
