"""The private command queue: only this service reads it."""

from typing import Any

from faststream.rabbit import RabbitMessage

from contracts.notification import SendEmailV1
from efp_runtime.message_context import context_of
from notification.bootstrap import Notification


def make_send_email_handler(notification: Notification) -> Any:
    async def on_send_email(command: SendEmailV1, message: RabbitMessage) -> None:
        # An invalid body fails validation before this line: it is rejected to the
        # dead-letter queue, not retried. DeliveryDeferred also rejects (for now).
        await notification.send_email(command, context_of(message.message_id, message.correlation_id, message.headers))

    return on_send_email
