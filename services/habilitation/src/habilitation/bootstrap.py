"""Composition root: the only place that names concrete adapters."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from faststream.rabbit import RabbitBroker
from pymongo import AsyncMongoClient

from efp_runtime.aggregate_store import AggregateStore
from efp_runtime.mongo import IndexSpec, create_mongo_client
from efp_runtime.outbox import OutboxRelay
from efp_runtime.rpc import RpcClient
from habilitation.adapters import (
    mongo_access_request_repository,
    mongo_account_copies,
    mongo_habilitation_repository,
    mongo_manager_right_repository,
    mongo_terms_acceptances,
)
from habilitation.adapters.mongo_access_request_repository import MongoAccessRequestRepository
from habilitation.adapters.mongo_account_copies import MongoAccountCopies
from habilitation.adapters.mongo_habilitation_repository import MongoHabilitationRepository
from habilitation.adapters.mongo_manager_right_repository import MongoManagerRightRepository
from habilitation.adapters.mongo_terms_acceptances import MongoTermsAcceptances
from habilitation.adapters.rpc_backed_accounts import RpcBackedAccounts
from habilitation.adapters.rpc_directory import RpcDirectory
from habilitation.config import HabilitationSettings
from habilitation.use_cases.accept_terms import AcceptTerms
from habilitation.use_cases.appoint_manager import AppointManager
from habilitation.use_cases.assign_habilitation import AssignHabilitation
from habilitation.use_cases.cancel_access_request import CancelAccessRequest
from habilitation.use_cases.decide_access_request import AcceptAccessRequest, RefuseAccessRequest
from habilitation.use_cases.get_access_summary import GetAccessSummary
from habilitation.use_cases.get_roles import GetRoles
from habilitation.use_cases.grant_habilitations import GrantHabilitations
from habilitation.use_cases.list_access_requests import ListMyAccessRequests, ListOrganisationAccessRequests
from habilitation.use_cases.list_my_habilitations import ListMyHabilitations
from habilitation.use_cases.list_organisation_users import ListOrganisationUsers
from habilitation.use_cases.outgoing import Links
from habilitation.use_cases.record_account import RecordAccount
from habilitation.use_cases.resend_access_request import ResendAccessRequest
from habilitation.use_cases.revoke_habilitation import RevokeHabilitation
from habilitation.use_cases.submit_access_request import SubmitAccessRequest

INDEXES: list[IndexSpec] = [
    *mongo_habilitation_repository.INDEXES,
    *mongo_manager_right_repository.INDEXES,
    *mongo_access_request_repository.INDEXES,
    *mongo_account_copies.INDEXES,
]


@dataclass(frozen=True)
class Habilitation:
    """The service's wired use cases and the resources main.py starts and stops."""

    mongo: AsyncMongoClient[dict[str, Any]]
    rpc: RpcClient
    relay: OutboxRelay
    record_account: RecordAccount
    submit_access_request: SubmitAccessRequest
    list_my_access_requests: ListMyAccessRequests
    resend_access_request: ResendAccessRequest
    cancel_access_request: CancelAccessRequest
    list_organisation_access_requests: ListOrganisationAccessRequests
    accept_access_request: AcceptAccessRequest
    refuse_access_request: RefuseAccessRequest
    get_roles: GetRoles
    accept_terms: AcceptTerms
    get_access_summary: GetAccessSummary
    list_my_habilitations: ListMyHabilitations
    assign_habilitation: AssignHabilitation
    revoke_habilitation: RevokeHabilitation
    list_organisation_users: ListOrganisationUsers
    appoint_manager: AppointManager


def _utc_now() -> datetime:
    return datetime.now(UTC)


def build(
    settings: HabilitationSettings, broker: RabbitBroker, clock: Callable[[], datetime] = _utc_now
) -> Habilitation:
    mongo = create_mongo_client(settings.mongodb_url)
    database = mongo[settings.database]
    collections = {
        name: database[name]
        for name in (
            mongo_habilitation_repository.COLLECTION,
            mongo_manager_right_repository.COLLECTION,
            mongo_access_request_repository.COLLECTION,
        )
    }
    relay = OutboxRelay(broker, list(collections.values()), settings.outbox_poll_seconds)
    rpc = RpcClient(settings.amqp_url, "habilitation", settings.rpc_timeout_seconds)
    habilitations = MongoHabilitationRepository(
        AggregateStore(collections[mongo_habilitation_repository.COLLECTION], relay)
    )
    rights = MongoManagerRightRepository(AggregateStore(collections[mongo_manager_right_repository.COLLECTION], relay))
    requests = MongoAccessRequestRepository(
        AggregateStore(collections[mongo_access_request_repository.COLLECTION], relay)
    )
    accounts = RpcBackedAccounts(MongoAccountCopies(database[mongo_account_copies.COLLECTION]), rpc)
    directory = RpcDirectory(rpc)
    links = Links(settings.frontend_url.rstrip("/"))
    grants = GrantHabilitations(habilitations, directory, accounts, clock)
    users = ListOrganisationUsers(accounts, habilitations, rights, clock)
    return Habilitation(
        mongo=mongo,
        rpc=rpc,
        relay=relay,
        record_account=RecordAccount(accounts),
        submit_access_request=SubmitAccessRequest(requests, rights, habilitations, accounts, directory, links, clock),
        list_my_access_requests=ListMyAccessRequests(requests, accounts),
        resend_access_request=ResendAccessRequest(requests, rights, accounts, links, clock),
        cancel_access_request=CancelAccessRequest(requests, accounts, clock),
        list_organisation_access_requests=ListOrganisationAccessRequests(requests, rights, accounts),
        accept_access_request=AcceptAccessRequest(requests, rights, accounts, grants, links, clock),
        refuse_access_request=RefuseAccessRequest(requests, rights, accounts, links, clock),
        get_roles=GetRoles(),
        accept_terms=AcceptTerms(MongoTermsAcceptances(database[mongo_terms_acceptances.COLLECTION]), clock),
        get_access_summary=GetAccessSummary(habilitations, rights, requests, accounts, clock),
        list_my_habilitations=ListMyHabilitations(habilitations, accounts),
        assign_habilitation=AssignHabilitation(rights, accounts, directory, grants, links),
        revoke_habilitation=RevokeHabilitation(habilitations, rights, accounts, directory, links, clock),
        list_organisation_users=users,
        appoint_manager=AppointManager(rights, accounts, directory, users, links, clock),
    )
