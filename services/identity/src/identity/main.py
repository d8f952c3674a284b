"""Identity service entry point: create_app() builds the FastStream app; run() starts it."""

import asyncio
import contextlib

from faststream import FastStream

from contracts.topology import rpc_queue
from efp_runtime.broker import create_broker, declare_dead_letter_queues, declare_exchanges, quorum_queue
from efp_runtime.mongo import ensure_indexes
from efp_runtime.structured_logging import configure_logging
from identity import bootstrap
from identity.config import IdentitySettings
from identity.entrypoints.rpc_handlers import make_rpc_handler

SERVICE = "identity"


def create_app(settings: IdentitySettings | None = None) -> FastStream:
    settings = settings or IdentitySettings()
    configure_logging(SERVICE, settings.log_level, settings.log_format)
    broker = create_broker(settings, SERVICE)
    identity = bootstrap.build(settings, broker)
    rpc = quorum_queue(rpc_queue(SERVICE), settings)
    broker.subscriber(rpc, title=rpc.name)(make_rpc_handler(identity))
    app = FastStream(broker)
    relay_task: list[asyncio.Task[None]] = []

    @app.on_startup
    async def declare_topology() -> None:
        await ensure_indexes(identity.mongo[settings.database], bootstrap.INDEXES)
        await broker.connect()
        await declare_exchanges(broker)
        await declare_dead_letter_queues(broker, [rpc.name])

    @app.after_startup
    async def start_relay() -> None:
        relay_task.append(asyncio.create_task(identity.relay.run(), name="outbox-relay"))

    @app.on_shutdown
    async def stop() -> None:
        for task in relay_task:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await identity.mongo.close()

    return app


def run() -> None:
    asyncio.run(create_app().run())
