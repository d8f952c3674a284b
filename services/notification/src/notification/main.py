"""Notification service entry point: create_app() builds the FastStream app; run() starts it."""

import asyncio

from faststream import FastStream
from faststream.rabbit import Channel

from contracts.topology import NOTIFICATION_COMMANDS_QUEUE, SEND_EMAIL_ROUTING_KEY, rpc_queue
from efp_runtime.broker import (
    COMMANDS,
    create_broker,
    declare_dead_letter_queues,
    declare_exchanges,
    quorum_queue,
    rpc_request_queue,
)
from efp_runtime.metrics import MetricsSettings, ServiceMetrics
from efp_runtime.mongo import ensure_indexes
from efp_runtime.structured_logging import configure_logging
from efp_runtime.telemetry import trace_messages, tracer_provider
from notification import bootstrap
from notification.config import NotificationSettings
from notification.entrypoints.command_handlers import make_send_email_handler
from notification.entrypoints.rpc_handlers import make_rpc_handler

SERVICE = "notification"


def create_app(settings: NotificationSettings | None = None) -> FastStream:
    settings = settings or NotificationSettings()
    configure_logging(SERVICE, settings.log_level, settings.log_format)
    broker = create_broker(settings, SERVICE)
    metrics = ServiceMetrics()
    broker.add_middleware(metrics.messages)
    tracing = tracer_provider(SERVICE)
    if tracing is not None:
        trace_messages(broker, tracing)
    notification = bootstrap.build(settings, broker)
    metrics.scraped_gauge(
        "efp_emails",
        "E-mails by state (queued, sending, sent, retrying, abandoned).",
        "state",
        notification.email_state_counts,
    )
    commands = quorum_queue(NOTIFICATION_COMMANDS_QUEUE, settings, routing_key=SEND_EMAIL_ROUTING_KEY)
    rpc = rpc_request_queue(rpc_queue(SERVICE), settings)
    consuming = Channel(prefetch_count=settings.commands_prefetch)
    broker.subscriber(commands, COMMANDS, channel=consuming, title=commands.name)(
        make_send_email_handler(notification, broker)
    )
    broker.subscriber(rpc, title=rpc.name)(make_rpc_handler(notification))
    app = FastStream(broker)

    @app.on_startup
    async def declare_topology() -> None:
        await ensure_indexes(notification.mongo[settings.database], bootstrap.INDEXES)
        await broker.connect()
        await declare_exchanges(broker)
        await declare_dead_letter_queues(broker, [commands.name])
        # Before the subscribers start: a deferred or abandoned command always has somewhere to go.
        await notification.delivery_queues.declare()
        metrics.serve(MetricsSettings())

    @app.on_shutdown
    async def stop() -> None:
        await notification.smtp.close()
        await notification.mongo.close()
        metrics.stop()
        if tracing is not None:
            tracing.shutdown()

    return app


def run() -> None:
    asyncio.run(create_app().run())
