"""Composition root: the only place that names concrete adapters."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from faststream.rabbit import RabbitBroker
from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection

from efp_runtime.aggregate_store import AggregateStore
from efp_runtime.mongo import IndexSpec, create_mongo_client
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
from habilitation.config import HabilitationSettings
from habilitation.use_cases.accept_charter import AcceptCharter
from habilitation.use_cases.accept_invitation import AcceptInvitation
from habilitation.use_cases.accept_terms import AcceptTerms
from habilitation.use_cases.appoint_manager import AppointManager
from habilitation.use_cases.assign_habilitation import AssignHabilitation
from habilitation.use_cases.cancel_access_request import CancelAccessRequest
from habilitation.use_cases.check_authorization import CheckAuthorization
from habilitation.use_cases.decide_access_request import AcceptAccessRequest, RefuseAccessRequest
from habilitation.use_cases.delegate_habilitation import DelegateHabilitation
from habilitation.use_cases.expire_activation_codes import ExpireActivationCodes
from habilitation.use_cases.get_access_request import GetAccessRequest
from habilitation.use_cases.get_access_summary import GetAccessSummary
from habilitation.use_cases.get_activation_letter import GetActivationLetter
from habilitation.use_cases.get_charter import GetCharter
from habilitation.use_cases.get_roles import GetRoles
from habilitation.use_cases.get_terms import GetTerms
from habilitation.use_cases.grant_habilitations import GrantHabilitations
from habilitation.use_cases.invite_user import InviteUser
from habilitation.use_cases.issue_activation_code import IssueActivationCode
from habilitation.use_cases.list_access_requests import ListMyAccessRequests, ListOrganisationAccessRequests
from habilitation.use_cases.list_activation_codes import ListActivationCodes
from habilitation.use_cases.list_active_habilitations import ListActiveHabilitations
from habilitation.use_cases.list_invitations import ListInvitations
from habilitation.use_cases.list_my_habilitations import ListMyHabilitations
from habilitation.use_cases.list_organisation_users import ListOrganisationUsers
from habilitation.use_cases.outgoing import Links
from habilitation.use_cases.record_account import RecordAccount
from habilitation.use_cases.resend_access_request import ResendAccessRequest
from habilitation.use_cases.resend_invitation import ResendInvitation
from habilitation.use_cases.revoke_activation_code import RevokeActivationCode
from habilitation.use_cases.revoke_habilitation import RevokeHabilitation
from habilitation.use_cases.revoke_invitation import RevokeInvitation
from habilitation.use_cases.start_activation import StartActivation
from habilitation.use_cases.submit_access_request import SubmitAccessRequest
from habilitation.use_cases.sweep_habilitations import SweepHabilitations
from habilitation.use_cases.sweep_invitations import SweepInvitations

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
class Habilitation:
    """The service's wired use cases and the resources main.py starts and stops."""

    mongo: AsyncMongoClient[dict[str, Any]]
    rpc: RpcClient
    relay: OutboxRelay
    # The organisations' users listing: main.py fills it once on a database that predates it.
    listing: MongoOrganisationUsers
    # The collections whose documents carry an outbox (the relay drains them; metrics count their backlog).
    outboxes: Sequence[AsyncCollection[dict[str, Any]]]
    record_account: RecordAccount
    submit_access_request: SubmitAccessRequest
    list_my_access_requests: ListMyAccessRequests
    resend_access_request: ResendAccessRequest
    cancel_access_request: CancelAccessRequest
    list_organisation_access_requests: ListOrganisationAccessRequests
    accept_access_request: AcceptAccessRequest
    refuse_access_request: RefuseAccessRequest
    get_access_request: GetAccessRequest
    get_roles: GetRoles
    accept_terms: AcceptTerms
    get_terms: GetTerms
    get_charter: GetCharter
    get_access_summary: GetAccessSummary
    list_my_habilitations: ListMyHabilitations
    assign_habilitation: AssignHabilitation
    revoke_habilitation: RevokeHabilitation
    list_organisation_users: ListOrganisationUsers
    appoint_manager: AppointManager
    delegate_habilitation: DelegateHabilitation
    issue_activation_code: IssueActivationCode
    list_activation_codes: ListActivationCodes
    revoke_activation_code: RevokeActivationCode
    get_activation_letter: GetActivationLetter
    start_activation: StartActivation
    accept_charter: AcceptCharter
    expire_activation_codes: ExpireActivationCodes
    invite_user: InviteUser
    list_invitations: ListInvitations
    resend_invitation: ResendInvitation
    revoke_invitation: RevokeInvitation
    accept_invitation: AcceptInvitation
    sweep_invitations: SweepInvitations
    sweep_habilitations: SweepHabilitations
    check_authorization: CheckAuthorization
    list_active_habilitations: ListActiveHabilitations


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
            mongo_activation_code_repository.COLLECTION,
            mongo_activation_repository.COLLECTION,
            mongo_invitation_repository.COLLECTION,
        )
    }
    relay = OutboxRelay(broker, list(collections.values()), settings.outbox_poll_seconds)
    rpc = RpcClient(settings.amqp_url, "habilitation", settings.rpc_timeout_seconds)
    listing = MongoOrganisationUsers(
        database[mongo_organisation_users.COLLECTION],
        database[mongo_account_copies.COLLECTION],
        collections[mongo_habilitation_repository.COLLECTION],
    )
    habilitations = MongoHabilitationRepository(
        AggregateStore(collections[mongo_habilitation_repository.COLLECTION], relay), listing
    )
    rights = MongoManagerRightRepository(AggregateStore(collections[mongo_manager_right_repository.COLLECTION], relay))
    requests = MongoAccessRequestRepository(
        AggregateStore(collections[mongo_access_request_repository.COLLECTION], relay)
    )
    copies = MongoAccountCopies(database[mongo_account_copies.COLLECTION], listing)
    accounts = RpcBackedAccounts(copies, rpc)
    directory = RpcDirectory(rpc)
    links = Links(settings.frontend_url.rstrip("/"))
    grants = GrantHabilitations(habilitations, directory, accounts, clock)
    users = ListOrganisationUsers(accounts, habilitations, rights, directory, listing, clock)
    invitations = MongoInvitationRepository(AggregateStore(collections[mongo_invitation_repository.COLLECTION], relay))
    codes = MongoActivationCodeRepository(
        AggregateStore(collections[mongo_activation_code_repository.COLLECTION], relay)
    )
    activations = MongoActivationRepository(AggregateStore(collections[mongo_activation_repository.COLLECTION], relay))
    attempts = MongoActivationAttempts(database[mongo_activation_attempts.COLLECTION])
    letters = MongoActivationLetters(database[mongo_activation_letters.COLLECTION])
    code_hasher = HmacCodeHasher(settings.secret_key.get_secret_value().encode())
    return Habilitation(
        mongo=mongo,
        rpc=rpc,
        relay=relay,
        listing=listing,
        outboxes=list(collections.values()),
        # Events write the plain copies: no point asking identity about what it just announced.
        record_account=RecordAccount(copies),
        submit_access_request=SubmitAccessRequest(requests, rights, habilitations, accounts, directory, links, clock),
        list_my_access_requests=ListMyAccessRequests(requests, accounts),
        resend_access_request=ResendAccessRequest(requests, rights, accounts, links, clock),
        cancel_access_request=CancelAccessRequest(requests, accounts, clock),
        list_organisation_access_requests=ListOrganisationAccessRequests(requests, rights, accounts, listing),
        accept_access_request=AcceptAccessRequest(requests, rights, accounts, grants, links, clock),
        refuse_access_request=RefuseAccessRequest(requests, rights, accounts, links, clock),
        get_access_request=GetAccessRequest(requests, rights, accounts),
        get_roles=GetRoles(),
        accept_terms=AcceptTerms(MongoTermsAcceptances(database[mongo_terms_acceptances.COLLECTION]), clock),
        get_terms=GetTerms(PackageTermsText()),
        get_charter=GetCharter(PackageCharterText()),
        get_access_summary=GetAccessSummary(habilitations, rights, requests, accounts, clock),
        list_my_habilitations=ListMyHabilitations(habilitations, accounts),
        assign_habilitation=AssignHabilitation(rights, accounts, directory, grants, links),
        revoke_habilitation=RevokeHabilitation(habilitations, rights, accounts, directory, links, clock),
        list_organisation_users=users,
        appoint_manager=AppointManager(rights, activations, accounts, directory, users, links, clock),
        delegate_habilitation=DelegateHabilitation(rights, accounts, grants, links),
        issue_activation_code=IssueActivationCode(
            codes,
            letters,
            directory,
            code_hasher,
            FpdfActivationLetter(),
            clock,
            settings.activation_code_validity_months,
        ),
        list_activation_codes=ListActivationCodes(codes, accounts, clock),
        revoke_activation_code=RevokeActivationCode(codes, accounts, clock),
        get_activation_letter=GetActivationLetter(codes, letters, clock),
        start_activation=StartActivation(
            codes, activations, rights, attempts, code_hasher, PackageCharterText(), clock
        ),
        accept_charter=AcceptCharter(codes, activations, rights, accounts, links, clock),
        expire_activation_codes=ExpireActivationCodes(codes, clock),
        invite_user=InviteUser(
            invitations, rights, accounts, RpcInvitedAccounts(rpc), habilitations, grants, links, clock
        ),
        list_invitations=ListInvitations(invitations, rights, accounts, clock),
        resend_invitation=ResendInvitation(invitations, rights, accounts, directory, links, clock),
        revoke_invitation=RevokeInvitation(invitations, rights, accounts, clock),
        accept_invitation=AcceptInvitation(invitations, rights, accounts, grants, clock),
        sweep_invitations=SweepInvitations(invitations, clock),
        sweep_habilitations=SweepHabilitations(
            MongoHabilitationSweep(collections[mongo_habilitation_repository.COLLECTION], relay),
            habilitations,
            rights,
            accounts,
            directory,
            links,
            clock,
        ),
        check_authorization=CheckAuthorization(habilitations, clock),
        list_active_habilitations=ListActiveHabilitations(
            MongoActiveHabilitations(collections[mongo_habilitation_repository.COLLECTION])
        ),
    )
