"""Identity service entry point: create_app() builds the FastStream app; run() starts it."""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from faststream import FastStream

from contracts.topology import credentials_queue, rpc_queue
from efp_runtime.broker import (
    create_broker,
    declare_exchanges,
    rpc_request_queue,
    transient_queue,
)
from efp_runtime.clock import clock_from
from efp_runtime.message_context import MessageContext
from efp_runtime.metrics import MetricsSettings, ServiceMetrics
from efp_runtime.mongo import ensure_indexes
from efp_runtime.structured_logging import configure_logging
from efp_runtime.telemetry import trace_messages, tracer_provider
from identity import bootstrap
from identity.config import IdentitySettings
from identity.entrypoints.rpc_handlers import make_rpc_handler

SERVICE = "identity"
logger = logging.getLogger(__name__)


def create_app(settings: IdentitySettings | None = None) -> FastStream:
    settings = settings or IdentitySettings()
    configure_logging(SERVICE, settings.log_level, settings.log_format)
    broker = create_broker(settings, SERVICE)
    metrics = ServiceMetrics()
    broker.add_middleware(metrics.messages)
    tracing = tracer_provider(SERVICE)
    if tracing is not None:
        trace_messages(broker, tracing)
    identity = bootstrap.build(settings, broker, oidc_clock=clock_from(settings.test_clock_file, settings.environment))
    metrics.outbox_backlog(identity.outboxes)
    sweep = metrics.sweeps.measured("registrations", identity.abandon_idle_registrations)
    rpc = rpc_request_queue(rpc_queue(SERVICE), settings)
    credentials = transient_queue(credentials_queue(SERVICE))
    handler = make_rpc_handler(identity)
    broker.subscriber(rpc, title=rpc.name)(handler)
    broker.subscriber(credentials, title=credentials.name)(handler)
    app = FastStream(broker)
    tasks: list[asyncio.Task[None]] = []

    @app.on_startup
    async def prepare() -> None:
        await ensure_indexes(identity.mongo[settings.database], bootstrap.INDEXES)
        # Before the first request: a current key to sign with, and the next one already published.
        await identity.oidc.ensure_signing_keys()
        for client in settings.oidc_dev_clients:
            await identity.oidc.clients.register(**client.model_dump())
        await broker.connect()
        await declare_exchanges(broker)
        metrics.serve(MetricsSettings())

    @app.after_startup
    async def start_background_work() -> None:
        tasks.append(asyncio.create_task(identity.relay.run(), name="outbox-relay"))
        tasks.append(asyncio.create_task(_sweep(sweep, settings.sweep_seconds), name="sweeper"))
        tasks.append(
            asyncio.create_task(
                _tell_relying_parties(identity.oidc, settings.backchannel_poll_seconds), name="backchannel-logout"
            )
        )
        if settings.bootstrap_agent_email and settings.bootstrap_agent_password:
            await identity.create_agent.ensure(
                settings.bootstrap_agent_email,
                settings.bootstrap_agent_password.get_secret_value(),
                MessageContext.fresh(),
            )

    @app.on_shutdown
    async def stop() -> None:
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await identity.oidc.logout_sender.close()
        await identity.mongo.close()
        metrics.stop()
        if tracing is not None:
            tracing.shutdown()

    return app


async def _sweep(abandon_idle_registrations: Callable[[], Awaitable[int]], every_seconds: float) -> None:
    """Expire idle registrations periodically; a failed pass is logged and retried next time."""
    while True:
        await asyncio.sleep(every_seconds)
        try:
            await abandon_idle_registrations()
        except Exception:
            logger.exception("registration sweep failed")


async def _tell_relying_parties(oidc: bootstrap.Oidc, every_seconds: float) -> None:
    """Back-channel logouts: at once when a session of this replica ends, else at each poll."""
    while True:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(oidc.sessions_ended.wait(), every_seconds)
        oidc.sessions_ended.clear()
        try:
            await oidc.deliver_backchannel_logouts()
        except Exception:
            logger.exception("back-channel logout pass failed")


def run() -> None:
    asyncio.run(create_app().run())
