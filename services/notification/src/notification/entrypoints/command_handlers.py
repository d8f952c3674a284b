"""The private command queue: only this service reads it."""

import logging
import os
from typing import Any

from faststream.rabbit import RabbitBroker, RabbitMessage

from contracts.notification import SendEmailV1
from efp_runtime.message_context import context_of
from notification.bootstrap import Notification
from notification.domain.email import EmailState
from notification.use_cases.send_email import Then

logger = logging.getLogger(__name__)


def make_send_email_handler(notification: Notification, broker: RabbitBroker) -> Any:
    async def on_send_email(command: SendEmailV1) -> None:
        # An invalid body or an unknown template fails validation before this line, and a
        # rendering error fails below: the broker rejects the command to the dead-letter queue.
        # The message is read from the broker's context rather than injected as a parameter:
        # FastDepends resolves that injection in a worker thread, a thread hop per e-mail.
        # (The context is looked up now: the app replaces the broker's context when it starts.)
        message: RabbitMessage = broker.context.get_local("message")
        context = context_of(message.message_id, message.correlation_id, message.headers)
        outcome = await notification.send_email(command, context)
        # The command is acknowledged when this returns: any copy it needs is confirmed first.
        if outcome.then is Then.RETRY:
            await notification.delivery_queues.delay(message, outcome.retry_level, outcome.retry_in_seconds)
        elif outcome.then is Then.PARK:
            await notification.delivery_queues.park(message)
        if notification.crash_after_send and outcome.state is EmailState.SENT:
            logger.warning("test fail point: exiting after e-mail %s was saved sent", context.message_id)
            os._exit(1)

    return on_send_email
