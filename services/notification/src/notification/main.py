"""Notification service entry point: create_app() declares the service on the kit; run() starts it."""

import asyncio

from faststream import FastStream
from faststream.rabbit import Channel

from contracts.privacy import AccountDeletedV1
from contracts.topology import NOTIFICATION_ACCOUNT_DELETED_QUEUE, NOTIFICATION_COMMANDS_QUEUE, SEND_EMAIL_ROUTING_KEY
from efp_runtime.broker import COMMANDS, EVENTS, quorum_queue
from efp_runtime.clock import clock_from
from efp_runtime.mongo import ensure_indexes
from efp_runtime.service import Service
from notification import bootstrap, composition
from notification.adapters.rabbit_delivery_queues import RabbitDeliveryQueues
from notification.config import NotificationSettings
from notification.entrypoints.command_handlers import make_send_email_handler
from notification.entrypoints.event_handlers import make_account_deleted_handler
from notification.entrypoints.rpc_handlers import routes

SERVICE = "notification"


def create_app(
    settings: NotificationSettings | None = None, notification: composition.Notification | None = None
) -> FastStream:
    """The service; given `notification` (use cases on fakes, for the wiring test), no store or SMTP is opened."""
    settings = settings or NotificationSettings()
    service = Service(SERVICE, settings)
    if notification is None:
        adapters, infrastructure = bootstrap.adapters_from(settings)
        # The test clock file shifts it in end-to-end tests (retention, throttling), as the other services'.
        notification = composition.use_cases(
            adapters, settings, clock_from(settings.test_clock_file, settings.environment)
        )
        service.metrics.scraped_gauge(
            "efp_emails",
            "E-mails by state (queued, sending, sent, retrying, abandoned).",
            "state",
            infrastructure.email_state_counts,
        )
        service.before_connect(lambda: ensure_indexes(infrastructure.database, bootstrap.INDEXES))
        service.on_stop(infrastructure.close)
        service.readiness(infrastructure.store_answers)
    delivery_queues = RabbitDeliveryQueues(service.broker, composition.retry_policy(settings))
    # Before the subscribers start: a deferred or abandoned command always has somewhere to go.
    service.after_connect(delivery_queues.declare)
    on_send_email = make_send_email_handler(
        notification.send_email, delivery_queues, service.broker, bool(settings.test_crash_after_send)
    )
    commands = quorum_queue(NOTIFICATION_COMMANDS_QUEUE, settings, routing_key=SEND_EMAIL_ROUTING_KEY)
    service.consume(commands, on_send_email, COMMANDS, channel=Channel(prefetch_count=settings.commands_prefetch))
    deleted = quorum_queue(NOTIFICATION_ACCOUNT_DELETED_QUEUE, settings, routing_key=AccountDeletedV1.MESSAGE_TYPE)
    service.consume(deleted, make_account_deleted_handler(notification.erase_account_emails), EVENTS)
    service.serve_requests(routes(notification))
    service.sweeps({"email_retention": notification.sweep_retention}, settings.sweep_seconds)
    return service.app()


def run() -> None:
    asyncio.run(create_app().run())
