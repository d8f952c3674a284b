"""Habilitation service entry point: create_app() builds the FastStream app; run() starts it."""

import asyncio

from faststream import FastStream

from contracts.topology import rpc_queue
from efp_runtime.broker import create_broker, declare_dead_letter_queues, declare_exchanges, quorum_queue
from efp_runtime.structured_logging import configure_logging
from habilitation.config import HabilitationSettings
from habilitation.entrypoints.rpc_handlers import on_habilitation_request

SERVICE = "habilitation"


def create_app(settings: HabilitationSettings | None = None) -> FastStream:
    settings = settings or HabilitationSettings()
    configure_logging(SERVICE, settings.log_level, settings.log_format)
    broker = create_broker(settings, SERVICE)
    rpc = quorum_queue(rpc_queue(SERVICE), settings)
    broker.subscriber(rpc, title=rpc.name)(on_habilitation_request)
    app = FastStream(broker)

    @app.on_startup
    async def declare_topology() -> None:
        await broker.connect()
        await declare_exchanges(broker)
        await declare_dead_letter_queues(broker, [rpc.name])

    return app


def run() -> None:
    asyncio.run(create_app().run())
