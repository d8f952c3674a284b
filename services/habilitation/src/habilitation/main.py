"""Habilitation service entry point: create_app() builds the FastStream app; run() starts it."""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from faststream import FastStream

from contracts.accounts import AccountCreatedV1, AccountProfileUpdatedV1
from contracts.topology import credentials_queue, rpc_queue
from efp_runtime.broker import (
    EVENTS,
    create_broker,
    declare_dead_letter_queues,
    declare_exchanges,
    quorum_queue,
    rpc_request_queue,
    transient_queue,
)
from efp_runtime.clock import clock_from
from efp_runtime.metrics import MetricsSettings, ServiceMetrics
from efp_runtime.mongo import ensure_indexes
from efp_runtime.structured_logging import configure_logging
from efp_runtime.telemetry import trace_messages, tracer_provider
from habilitation import bootstrap
from habilitation.config import HabilitationSettings
from habilitation.entrypoints.event_handlers import make_account_event_handlers
from habilitation.entrypoints.rpc_handlers import make_rpc_handler
from habilitation.entrypoints.sweeper import run_sweeper

SERVICE = "habilitation"
logger = logging.getLogger(__name__)
ACCOUNT_EVENTS_QUEUE = "habilitation.identity-accounts"


def create_app(settings: HabilitationSettings | None = None) -> FastStream:
    settings = settings or HabilitationSettings()
    configure_logging(SERVICE, settings.log_level, settings.log_format)
    broker = create_broker(settings, SERVICE)
    metrics = ServiceMetrics()
    broker.add_middleware(metrics.messages)
    tracing = tracer_provider(SERVICE)
    if tracing is not None:
        trace_messages(broker, tracing)
    habilitation = bootstrap.build(settings, broker, clock_from(settings.test_clock_file, settings.environment))
    metrics.outbox_backlog(habilitation.outboxes)
    sweeps: dict[str, Callable[[], Awaitable[int]]] = {
        name: metrics.sweeps.measured(name, sweep)
        for name, sweep in (
            ("activation_codes", habilitation.expire_activation_codes),
            ("invitations", habilitation.sweep_invitations),
            ("habilitations", habilitation.sweep_habilitations),
        )
    }
    rpc = rpc_request_queue(rpc_queue(SERVICE), settings)
    handler = make_rpc_handler(habilitation)
    credentials = transient_queue(credentials_queue(SERVICE))
    broker.subscriber(rpc, title=rpc.name)(handler)
    broker.subscriber(credentials, title=credentials.name)(handler)
    on_created, on_updated = make_account_event_handlers(habilitation.record_account)
    created = quorum_queue(f"{ACCOUNT_EVENTS_QUEUE}.created", settings, routing_key=AccountCreatedV1.MESSAGE_TYPE)
    updated = quorum_queue(
        f"{ACCOUNT_EVENTS_QUEUE}.updated", settings, routing_key=AccountProfileUpdatedV1.MESSAGE_TYPE
    )
    broker.subscriber(created, EVENTS, title=created.name)(on_created)
    broker.subscriber(updated, EVENTS, title=updated.name)(on_updated)
    app = FastStream(broker)
    tasks: list[asyncio.Task[None]] = []

    @app.on_startup
    async def prepare() -> None:
        await ensure_indexes(habilitation.mongo[settings.database], bootstrap.INDEXES)
        await habilitation.listing.rebuild_if_empty()
        await broker.connect()
        await declare_exchanges(broker)
        await declare_dead_letter_queues(broker, [created.name, updated.name])
        await habilitation.rpc.connect()
        metrics.serve(MetricsSettings())

    @app.after_startup
    async def start_background_work() -> None:
        tasks.append(asyncio.create_task(habilitation.relay.run(), name="outbox-relay"))
        tasks.append(asyncio.create_task(run_sweeper(sweeps, settings.sweep_seconds), name="sweeper"))

    @app.on_shutdown
    async def stop() -> None:
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await habilitation.rpc.close()
        await habilitation.mongo.close()
        metrics.stop()
        if tracing is not None:
            tracing.shutdown()

    return app


def run() -> None:
    asyncio.run(create_app().run())
