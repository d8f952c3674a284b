"""What operators do to the habilitation service by hand: look at one aggregate's state and history, sweep once.

Each function composes the service's own adapters from the service's environment, does one thing and
closes what it opened; `efp-ops` calls them. Activation codes are not here: `efp-ops` asks the running
service over RPC (the requests exist, and the code's HMAC key then stays with the service).
"""

from dataclasses import asdict
from typing import Any

from pydantic import AliasChoices, Field

from efp_runtime.aggregate_store import AggregateStore
from efp_runtime.broker import create_broker
from efp_runtime.clock import clock_from
from efp_runtime.mongo import create_mongo_client
from efp_runtime.settings import RuntimeSettings
from efp_runtime.sweeper import Sweep, sweep_once
from habilitation import bootstrap
from habilitation.adapters import (
    mongo_access_request_repository,
    mongo_habilitation_repository,
    mongo_invitation_repository,
)
from habilitation.adapters.mongo_access_request_repository import MongoAccessRequestRepository
from habilitation.adapters.mongo_habilitation_repository import MongoHabilitationRepository
from habilitation.adapters.mongo_invitation_repository import MongoInvitationRepository
from habilitation.config import HabilitationSettings
from habilitation.domain.catalogue import SERVICES

# What `show` can look at: the aggregates that keep a history of their transitions.
AGGREGATES = ("access-request", "invitation", "habilitation")
# Derived from secrets or internal to the process: never shown.
HIDDEN_FIELDS = ("token_hash", "events")


class StoreSettings(RuntimeSettings):
    """Only the database: reading needs neither the HMAC key nor the frontend's address (as config.py reads it)."""

    database: str = Field("habilitation", validation_alias=AliasChoices("HABILITATION_DATABASE"))


def service_codes() -> list[str]:
    """The catalogue's digital services: an application signing people in is registered for one of them."""
    return sorted(SERVICES)


async def show(aggregate: str, aggregate_id: str) -> dict[str, Any] | None:
    """The aggregate's fields (its state among them) and its full history, oldest first; None if unknown."""
    if aggregate not in AGGREGATES:
        raise ValueError(f"unknown aggregate {aggregate!r}; one of {', '.join(AGGREGATES)}")
    settings = StoreSettings()
    mongo = create_mongo_client(settings.mongodb_url)
    try:
        database = mongo[settings.database]
        found: Any
        if aggregate == "access-request":
            requests = database[mongo_access_request_repository.COLLECTION]
            found = await MongoAccessRequestRepository(AggregateStore(requests, None)).get(aggregate_id)
        elif aggregate == "invitation":
            invitations = database[mongo_invitation_repository.COLLECTION]
            found = await MongoInvitationRepository(AggregateStore(invitations, None)).get(aggregate_id)
        else:
            habilitations = database[mongo_habilitation_repository.COLLECTION]
            found = await MongoHabilitationRepository(AggregateStore(habilitations, None)).get(aggregate_id)
    finally:
        await mongo.close()
    if found is None:
        return None
    fields = {name: value for name, value in asdict(found).items() if name not in HIDDEN_FIELDS}
    return {"aggregate": aggregate, **fields}


async def sweep() -> tuple[dict[str, int], list[str]]:
    """One pass of each of the service's sweeps, wired as the service wires them: (done per sweep, failed)."""
    settings = HabilitationSettings()
    # Never connected: the relay is only kicked; the running service's relay publishes at its next poll.
    broker = create_broker(settings, "habilitation-operator")
    habilitation, infrastructure = bootstrap.build(
        settings, broker, clock_from(settings.test_clock_file, settings.environment)
    )
    sweeps: dict[str, Sweep] = {
        "activation_codes": habilitation.expire_activation_codes,
        "invitations": habilitation.sweep_invitations,
        "habilitations": habilitation.sweep_habilitations,
    }
    # The habilitation sweep asks identity for names and establishments over RPC.
    await infrastructure.rpc.connect()
    try:
        done = await sweep_once(sweeps)
    finally:
        await infrastructure.close()
    return done, [name for name in sweeps if name not in done]
