"""Notification service entry point: create_app() builds the FastStream app; run() starts it."""

import asyncio

from faststream import FastStream
from faststream.rabbit import Channel

from contracts.topology import NOTIFICATION_COMMANDS_QUEUE, SEND_EMAIL_ROUTING_KEY, rpc_queue
from efp_runtime.broker import COMMANDS, create_broker, declare_dead_letter_queues, declare_exchanges, quorum_queue
from efp_runtime.mongo import ensure_indexes
from efp_runtime.structured_logging import configure_logging
from notification import bootstrap
from notification.config import NotificationSettings
from notification.entrypoints.command_handlers import make_send_email_handler
from notification.entrypoints.rpc_handlers import make_rpc_handler

SERVICE = "notification"


def create_app(settings: NotificationSettings | None = None) -> FastStream:
    settings = settings or NotificationSettings()
    configure_logging(SERVICE, settings.log_level, settings.log_format)
    broker = create_broker(settings, SERVICE)
    notification = bootstrap.build(settings, broker)
    commands = quorum_queue(NOTIFICATION_COMMANDS_QUEUE, settings, routing_key=SEND_EMAIL_ROUTING_KEY)
    rpc = quorum_queue(rpc_queue(SERVICE), settings)
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
        await declare_dead_letter_queues(broker, [commands.name, rpc.name])
        # Before the subscribers start: a deferred or abandoned command always has somewhere to go.
        await notification.delivery_queues.declare()

    @app.on_shutdown
    async def stop() -> None:
        await notification.smtp.close()
        await notification.mongo.close()

    return app


def run() -> None:
    asyncio.run(create_app().run())
