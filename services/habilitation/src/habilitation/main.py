"""Habilitation service entry point: create_app() declares the service on the kit; run() starts it."""

import asyncio

from faststream import FastStream

from contracts.accounts import AccountCreatedV1, AccountProfileUpdatedV1
from contracts.privacy import AccountDeletedV1, AccountEmailChangedV1
from contracts.topology import (
    HABILITATION_ACCOUNT_CREATED_QUEUE,
    HABILITATION_ACCOUNT_DELETED_QUEUE,
    HABILITATION_ACCOUNT_EMAIL_CHANGED_QUEUE,
    HABILITATION_ACCOUNT_UPDATED_QUEUE,
)
from efp_runtime.broker import EVENTS, quorum_queue
from efp_runtime.clock import clock_from
from efp_runtime.service import Service
from habilitation import bootstrap
from habilitation.composition import Habilitation
from habilitation.config import HabilitationSettings
from habilitation.entrypoints.event_handlers import make_account_deleted_handler, make_account_event_handlers
from habilitation.entrypoints.rpc_handlers import SERVICE, all_routes


def create_app(settings: HabilitationSettings | None = None, habilitation: Habilitation | None = None) -> FastStream:
    """The service; given `habilitation` (use cases on fakes, for the wiring test), no store or RPC client is opened."""
    settings = settings or HabilitationSettings()
    service = Service(SERVICE, settings)
    if habilitation is None:
        clock = clock_from(settings.test_clock_file, settings.environment)
        habilitation, infrastructure = bootstrap.build(settings, service.broker, clock)
        service.metrics.outbox_backlog(infrastructure.outboxes)
        service.before_connect(infrastructure.prepare)
        service.readiness(infrastructure.store_answers)
        # The habilitation sweep and several requests ask identity over RPC: connected before any message.
        service.after_connect(infrastructure.rpc.connect)
        service.task("outbox-relay", infrastructure.relay.run)
        service.on_stop(infrastructure.close)
    service.serve_requests(all_routes(habilitation))
    on_created, on_updated, on_email_changed = make_account_event_handlers(habilitation.record_account)
    created = quorum_queue(HABILITATION_ACCOUNT_CREATED_QUEUE, settings, routing_key=AccountCreatedV1.MESSAGE_TYPE)
    updated = quorum_queue(
        HABILITATION_ACCOUNT_UPDATED_QUEUE, settings, routing_key=AccountProfileUpdatedV1.MESSAGE_TYPE
    )
    email_changed = quorum_queue(
        HABILITATION_ACCOUNT_EMAIL_CHANGED_QUEUE, settings, routing_key=AccountEmailChangedV1.MESSAGE_TYPE
    )
    deleted = quorum_queue(HABILITATION_ACCOUNT_DELETED_QUEUE, settings, routing_key=AccountDeletedV1.MESSAGE_TYPE)
    service.consume(created, on_created, EVENTS)
    service.consume(updated, on_updated, EVENTS)
    service.consume(email_changed, on_email_changed, EVENTS)
    service.consume(deleted, make_account_deleted_handler(habilitation.forget_account, service.broker), EVENTS)
    service.sweeps(
        {
            "activation_codes": habilitation.expire_activation_codes,
            "invitations": habilitation.sweep_invitations,
            "habilitations": habilitation.sweep_habilitations,
        },
        settings.sweep_seconds,
    )
    return service.app()


def run() -> None:
    asyncio.run(create_app().run())
