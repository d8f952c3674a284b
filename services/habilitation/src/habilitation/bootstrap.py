"""Composition root: the only place that names concrete adapters (`composition` puts the use cases on them).

Two steps: `adapters_from(settings, broker)` builds the real adapters (MongoDB, the identity service over
RPC); `use_cases(adapters, clock, links)` builds the use cases from any adapters — the real ones, or
`habilitation.fakes`' in memory (unit tests, the wiring test).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from faststream.rabbit import RabbitBroker
from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from efp_runtime.aggregate_store import AggregateStore
from efp_runtime.clock import system_clock
from efp_runtime.mongo import IndexSpec, create_mongo_client, ensure_indexes, store_answers
from efp_runtime.outbox import OutboxRelay
from efp_runtime.rpc import RpcClient
from habilitation.adapters import (
    mongo_access_request_repository,
    mongo_account_copies,
    mongo_activation_attempts,
    mongo_activation_code_repository,
    mongo_activation_letters,
    mongo_activation_repository,
    mongo_habilitation_repository,
    mongo_invitation_repository,
    mongo_manager_right_repository,
    mongo_organisation_users,
    mongo_terms_acceptances,
)
from habilitation.adapters.cached_directory import CachedDirectory
from habilitation.adapters.fpdf_activation_letter import FpdfActivationLetter
from habilitation.adapters.hmac_code_hasher import HmacCodeHasher
from habilitation.adapters.mongo_access_request_repository import MongoAccessRequestRepository
from habilitation.adapters.mongo_account_copies import MongoAccountCopies
from habilitation.adapters.mongo_activation_attempts import MongoActivationAttempts
from habilitation.adapters.mongo_activation_code_repository import MongoActivationCodeRepository
from habilitation.adapters.mongo_activation_letters import MongoActivationLetters
from habilitation.adapters.mongo_activation_repository import MongoActivationRepository
from habilitation.adapters.mongo_active_habilitations import MongoActiveHabilitations
from habilitation.adapters.mongo_habilitation_repository import MongoHabilitationRepository
from habilitation.adapters.mongo_habilitation_sweep import MongoHabilitationSweep
from habilitation.adapters.mongo_invitation_repository import MongoInvitationRepository
from habilitation.adapters.mongo_manager_right_repository import MongoManagerRightRepository
from habilitation.adapters.mongo_organisation_users import MongoOrganisationUsers
from habilitation.adapters.mongo_terms_acceptances import MongoTermsAcceptances
from habilitation.adapters.package_charter_text import PackageCharterText
from habilitation.adapters.package_terms_text import PackageTermsText
from habilitation.adapters.rpc_backed_accounts import RpcBackedAccounts
from habilitation.adapters.rpc_directory import RpcDirectory
from habilitation.adapters.rpc_invited_accounts import RpcInvitedAccounts
from habilitation.composition import Adapters, Habilitation, use_cases
from habilitation.config import HabilitationSettings
from habilitation.domain.access_request import RequestLimits
from habilitation.domain.activation_code import generate_code
from habilitation.domain.second_factor import SecondFactorPolicy
from habilitation.use_cases.links import Links
from habilitation.use_cases.ports import Clock, Directory

INDEXES: list[IndexSpec] = [
    *mongo_habilitation_repository.INDEXES,
    *mongo_manager_right_repository.INDEXES,
    *mongo_access_request_repository.INDEXES,
    *mongo_account_copies.INDEXES,
    *mongo_activation_code_repository.INDEXES,
    *mongo_activation_repository.INDEXES,
    *mongo_activation_attempts.INDEXES,
    *mongo_activation_letters.INDEXES,
    *mongo_invitation_repository.INDEXES,
    *mongo_organisation_users.INDEXES,
]


@dataclass(frozen=True)
class Infrastructure:
    """The connections behind the real adapters: prepared at start, counted for the metrics, closed at stop."""

    mongo: AsyncMongoClient[dict[str, Any]]
    database: AsyncDatabase[dict[str, Any]]
    rpc: RpcClient
    relay: OutboxRelay
    # The organisations' users listing: filled once at start on a database that predates it.
    listing: MongoOrganisationUsers
    # The collections whose documents carry an outbox (the relay drains them; metrics count their backlog).
    outboxes: Sequence[AsyncCollection[dict[str, Any]]]

    async def prepare(self) -> None:
        await ensure_indexes(self.database, INDEXES)
        await self.listing.rebuild_if_empty()

    async def store_answers(self) -> None:
        """The readiness ping's check: the store answers (efp_runtime.mongo.store_answers)."""
        await store_answers(self.database)

    async def close(self) -> None:
        await self.rpc.close()
        await self.mongo.close()


def adapters_from(settings: HabilitationSettings, broker: RabbitBroker) -> tuple[Adapters, Infrastructure]:
    mongo = create_mongo_client(settings.mongodb_url)
    database = mongo[settings.database]
    collections = {
        name: database[name]
        for name in (
            mongo_habilitation_repository.COLLECTION,
            mongo_manager_right_repository.COLLECTION,
            mongo_access_request_repository.COLLECTION,
            mongo_activation_code_repository.COLLECTION,
            mongo_activation_repository.COLLECTION,
            mongo_invitation_repository.COLLECTION,
        )
    }
    relay = OutboxRelay(broker, list(collections.values()), settings.outbox_poll_seconds)
    rpc = RpcClient(settings.amqp_url, "habilitation", settings.rpc_timeout_seconds)

    def store(name: str) -> AggregateStore:
        return AggregateStore(collections[name], relay)

    habilitations_collection = collections[mongo_habilitation_repository.COLLECTION]
    listing = MongoOrganisationUsers(
        database[mongo_organisation_users.COLLECTION],
        database[mongo_account_copies.COLLECTION],
        habilitations_collection,
    )
    copies = MongoAccountCopies(database[mongo_account_copies.COLLECTION], listing)
    invitations = MongoInvitationRepository(store(mongo_invitation_repository.COLLECTION))
    directory: Directory = RpcDirectory(rpc)
    if settings.directory_cache_seconds > 0:
        directory = CachedDirectory(directory, settings.directory_cache_seconds)
    adapters = Adapters(
        habilitations=MongoHabilitationRepository(store(mongo_habilitation_repository.COLLECTION), listing),
        rights=MongoManagerRightRepository(store(mongo_manager_right_repository.COLLECTION)),
        requests=MongoAccessRequestRepository(store(mongo_access_request_repository.COLLECTION)),
        copies=copies,
        accounts=RpcBackedAccounts(copies, rpc),
        directory=directory,
        listing=listing,
        invitations=invitations,
        invitation_sweep=invitations,
        invited_accounts=RpcInvitedAccounts(rpc),
        habilitation_sweep=MongoHabilitationSweep(habilitations_collection, relay),
        active_habilitations=MongoActiveHabilitations(habilitations_collection),
        codes=MongoActivationCodeRepository(store(mongo_activation_code_repository.COLLECTION)),
        activations=MongoActivationRepository(store(mongo_activation_repository.COLLECTION)),
        attempts=MongoActivationAttempts(database[mongo_activation_attempts.COLLECTION]),
        letters=MongoActivationLetters(database[mongo_activation_letters.COLLECTION]),
        code_hasher=HmacCodeHasher(settings.secret_key.get_secret_value().encode()),
        new_code=generate_code,
        letter_renderer=FpdfActivationLetter(),
        charter=PackageCharterText(),
        terms=PackageTermsText(),
        terms_acceptances=MongoTermsAcceptances(database[mongo_terms_acceptances.COLLECTION]),
    )
    return adapters, Infrastructure(mongo, database, rpc, relay, listing, list(collections.values()))


def links_from(settings: HabilitationSettings) -> Links:
    return Links(settings.frontend_url.rstrip("/"))


def build(
    settings: HabilitationSettings, broker: RabbitBroker, clock: Clock = system_clock
) -> tuple[Habilitation, Infrastructure]:
    """The service as settings describe it: real adapters, the use cases on them, and their connections."""
    adapters, infrastructure = adapters_from(settings, broker)
    validity = settings.activation_code_validity_months
    limits = RequestLimits(settings.access_requests_open_max, settings.access_requests_per_day)
    second_factor = SecondFactorPolicy(required=settings.second_factor_required)
    habilitation = use_cases(adapters, clock, links_from(settings), validity, limits, second_factor=second_factor)
    return habilitation, infrastructure
