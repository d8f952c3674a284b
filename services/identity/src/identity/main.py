"""Identity service entry point: create_app() declares the service on the kit; run() starts it."""

import asyncio
import contextlib
import logging

from faststream import FastStream

from efp_runtime.clock import clock_from
from efp_runtime.message_context import MessageContext
from efp_runtime.service import Service
from identity import bootstrap
from identity.composition import Adapters, Identity, Oidc, use_cases
from identity.config import IdentitySettings
from identity.entrypoints.rpc_handlers import routes
from identity.use_cases.accounts.create_agent import AgentLogin
from identity.use_cases.oidc.manage_clients import NewOidcClient

SERVICE = "identity"
logger = logging.getLogger(__name__)


def create_app(settings: IdentitySettings | None = None, adapters: Adapters | None = None) -> FastStream:
    """`adapters`: the real ones by default; the wiring test passes identity.fakes' (no store is opened)."""
    settings = settings or IdentitySettings()
    service = Service(SERVICE, settings)
    # The provider's clock honours the test clock (refused in production, see efp_runtime.clock).
    oidc_clock = clock_from(settings.test_clock_file, settings.environment)
    adapters = adapters or bootstrap.adapters_from(settings, service.broker, oidc_clock)
    identity = use_cases(adapters, bootstrap.utc_now, bootstrap.rules_from(settings), oidc_clock)
    service.metrics.outbox_backlog(adapters.outboxes)
    for prepare in adapters.prepare:
        service.before_connect(prepare)
    for connect in adapters.connect:
        service.after_connect(connect)
    for check in adapters.ready:
        service.readiness(check)
    service.before_connect(lambda: _provide_keys_and_dev_clients(identity.oidc, settings))
    service.serve_requests(routes(identity))
    if adapters.relay is not None:
        service.task("outbox-relay", adapters.relay.run)
    service.task(
        "backchannel-logout",
        lambda: _tell_relying_parties(identity.oidc, adapters.sessions_ended, settings.backchannel_poll_seconds),
    )
    service.sweeps(
        {
            "registrations": identity.abandon_idle_registrations,
            "email_changes": identity.my_data.forget_expired_email_changes,
            "account_erasures": identity.privacy.finish_erasures,
            "inactive_accounts": identity.privacy.sweep_inactive_accounts,
        },
        settings.sweep_seconds,
    )
    service.after_start(lambda: _ensure_bootstrap_agent(identity, settings))
    for close in adapters.close:
        service.on_stop(close)
    return service.app()


async def _provide_keys_and_dev_clients(oidc: Oidc, settings: IdentitySettings) -> None:
    """Before the first request: a current key to sign with, the next one already published; dev clients."""
    await oidc.ensure_signing_keys()
    for client in settings.oidc_dev_clients:
        await oidc.clients.register(NewOidcClient(**client.model_dump()))


async def _ensure_bootstrap_agent(identity: Identity, settings: IdentitySettings) -> None:
    if settings.bootstrap_agent_email and settings.bootstrap_agent_password:
        agent = AgentLogin(
            email=settings.bootstrap_agent_email, password=settings.bootstrap_agent_password.get_secret_value()
        )
        await identity.create_agent.ensure(agent, MessageContext.fresh())


async def _tell_relying_parties(oidc: Oidc, sessions_ended: asyncio.Event, every_seconds: float) -> None:
    """Back-channel logouts: at once when a session of this replica ends, else at each poll."""
    while True:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(sessions_ended.wait(), every_seconds)
        sessions_ended.clear()
        try:
            await oidc.deliver_backchannel_logouts()
        except Exception:
            logger.exception("back-channel logout pass failed")


def run() -> None:
    asyncio.run(create_app().run())
