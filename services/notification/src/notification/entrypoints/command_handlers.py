"""The private command queue: only this service reads it."""

import asyncio
import logging
import os
from typing import Any

from faststream.rabbit import RabbitBroker, RabbitMessage

from contracts.notification import SendEmailV1
from efp_runtime.message_context import context_of
from notification.adapters.rabbit_delivery_queues import RabbitDeliveryQueues
from notification.domain.email import EmailState
from notification.use_cases.sending.send_email import Outcome, SendEmail, Then

logger = logging.getLogger(__name__)


def make_send_email_handler(
    send_email: SendEmail, delivery_queues: RabbitDeliveryQueues, broker: RabbitBroker, crash_after_send: bool = False
) -> Any:
    # Sendings carried on after their consumer was interrupted (see below): held here until they end,
    # as the event loop keeps only weak references to tasks.
    carried_on: set[asyncio.Task[Outcome]] = set()

    async def on_send_email(command: SendEmailV1) -> None:
        # An invalid body or an unknown template fails validation before this line, and a
        # rendering error fails below: the broker rejects the command to the dead-letter queue.
        # The message is read from the broker's context rather than injected as a parameter:
        # FastDepends resolves that injection in a worker thread, a thread hop per e-mail.
        # (The context is looked up now: the app replaces the broker's context when it starts.)
        message: RabbitMessage = broker.context.get_local("message")
        context = context_of(message.message_id, message.correlation_id, message.headers)
        # Shielded: when its channel closes (a broker restart, a node lost), aiormq cancels every consumer
        # task in flight. Cancelled between the SMTP server's acceptance and the `sent` record, the e-mail
        # would stay `sending` and its redelivered command would send it again once the lease ran out.
        # The sending goes on to its record instead; the redelivery then finds it sent (or still leased).
        sending = asyncio.ensure_future(send_email(command, context))
        carried_on.add(sending)
        sending.add_done_callback(carried_on.discard)
        outcome = await asyncio.shield(sending)
        # The command is acknowledged when this returns: any copy it needs is confirmed first.
        if outcome.then is Then.RETRY:
            await delivery_queues.delay(message, outcome.retry_level, outcome.retry_in_seconds)
        elif outcome.then is Then.PARK:
            await delivery_queues.park(message)
        if crash_after_send and outcome.state is EmailState.SENT:
            logger.warning("test fail point: exiting after e-mail %s was saved sent", context.message_id)
            os._exit(1)

    return on_send_email
