"""A deleted account against the real store: after ForgetAccount, no collection holds the person's names,
address, phone or free text, only their account id; a replayed creation event brings nothing back, and
the RPC fallback never fetches a deleted account."""

import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest
from bson import json_util
from pymongo.asynchronous.database import AsyncDatabase

from contracts.accounts import AccountProfileV1, GetProfileV1
from contracts.privacy import AccountDeletedV1
from devstack.pytest_plugin import Infrastructure
from efp_runtime.aggregate_store import AggregateStore
from efp_runtime.mongo import create_mongo_client, ensure_indexes
from habilitation import bootstrap
from habilitation.adapters import (
    mongo_access_request_repository,
    mongo_account_copies,
    mongo_habilitation_repository,
    mongo_invitation_repository,
    mongo_manager_right_repository,
    mongo_organisation_users,
)
from habilitation.adapters.mongo_access_request_repository import MongoAccessRequestRepository
from habilitation.adapters.mongo_account_copies import MongoAccountCopies
from habilitation.adapters.mongo_habilitation_repository import MongoHabilitationRepository
from habilitation.adapters.mongo_invitation_repository import MongoInvitationRepository
from habilitation.adapters.mongo_manager_right_repository import MongoManagerRightRepository
from habilitation.adapters.mongo_organisation_users import MongoOrganisationUsers
from habilitation.adapters.rpc_backed_accounts import RpcBackedAccounts
from habilitation.use_cases.organisation.record_account import RecordAccount
from habilitation.use_cases.ports import AccountCopy
from habilitation.use_cases.privacy.forget_account import ForgetAccount
from services.habilitation.tests.unit.invitations.samples import make_invitation
from services.habilitation.tests.unit.samples import (
    CONTEXT,
    SIREN,
    T0,
    account_created,
    make_habilitation,
    make_request,
    make_right,
)

pytestmark = pytest.mark.integration

GONE = "acc-7"
# What the person's records held: none of it may stay anywhere once the account is deleted.
PERSONAL = ["Gonthier", "Zébulon", "zebulon.g@example.fr", "0601020304", "appelez-moi"]


@pytest.fixture
async def database(infrastructure: Infrastructure) -> AsyncIterator[AsyncDatabase[dict[str, Any]]]:
    client = create_mongo_client(infrastructure.mongodb_url)
    db = client[f"{infrastructure.database_prefix}forget_{uuid.uuid4().hex[:8]}"]
    await ensure_indexes(db, bootstrap.INDEXES)
    yield db
    await client.close()


async def test_no_collection_keeps_the_deleted_person_data(database: AsyncDatabase[dict[str, Any]]) -> None:
    def store(name: str) -> AggregateStore:
        return AggregateStore(database[name], None)

    listing = MongoOrganisationUsers(
        database[mongo_organisation_users.COLLECTION],
        database[mongo_account_copies.COLLECTION],
        database[mongo_habilitation_repository.COLLECTION],
    )
    copies = MongoAccountCopies(database[mongo_account_copies.COLLECTION], listing)
    habilitations = MongoHabilitationRepository(store(mongo_habilitation_repository.COLLECTION), listing)
    rights = MongoManagerRightRepository(store(mongo_manager_right_repository.COLLECTION))
    requests = MongoAccessRequestRepository(store(mongo_access_request_repository.COLLECTION))
    invitations = MongoInvitationRepository(store(mongo_invitation_repository.COLLECTION))
    person = AccountCopy(GONE, "zebulon.g@example.fr", "user", "Monsieur", "Gonthier", "Zébulon", phone="0601020304")
    await copies.save(replace(person, siren=SIREN, job_title="Formateur"))
    await rights.save(make_right(GONE), [])
    await rights.save(make_right("boss"), [])
    await habilitations.add(make_habilitation(id="h-1", account_id=GONE, granted_by="boss"), [])
    await habilitations.add(make_habilitation(id="h-2", account_id="colleague", granted_by=GONE), [])
    await requests.add(make_request(id="r-1", account_id=GONE, message="Zébulon, appelez-moi au 0601020304"), [])
    received = replace(make_invitation("zebulon.g@example.fr"), id="i-1", account_id=GONE)
    received = replace(received, first_name="Zébulon", last_name="Gonthier")
    await invitations.add(received, [])
    await invitations.add(replace(make_invitation("other@example.fr"), id="i-2", invited_by=GONE), [])
    assert "Gonthier" in await dump(database)  # the test sees them before

    forget = ForgetAccount(copies, habilitations, rights, requests, invitations, lambda: T0)
    event = AccountDeletedV1(account_id=GONE, email="zebulon.g@example.fr", deleted_at=T0)
    await forget(event, CONTEXT)
    await forget(event, CONTEXT)  # a redelivery
    replayed = account_created().model_copy(update={"account_id": GONE, "last_name": "Gonthier"})
    await RecordAccount(copies).created(replayed)

    text = await dump(database)
    assert [p for p in PERSONAL if p.lower() in text.lower()] == []
    assert await database[mongo_account_copies.COLLECTION].find_one({"_id": GONE}) == {
        "_id": GONE,
        "deleted": True,
        "deleted_at": T0,
    }
    assert await copies.get(GONE) is None
    assert await copies.deleted(GONE)
    assert await database[mongo_organisation_users.COLLECTION].count_documents({"account_id": GONE}) == 0
    # Accountability stays, by id: who granted the colleague's habilitation, who asked, who was invited.
    h2 = await habilitations.get("h-2")
    assert h2 is not None
    assert h2.granted_by == GONE
    request = await requests.get("r-1")
    assert request is not None
    assert (request.account_id, request.state.value) == (GONE, "cancelled")


async def dump(database: AsyncDatabase[dict[str, Any]]) -> str:
    """Every document of every collection, as text."""
    docs = [doc for name in await database.list_collection_names() async for doc in database[name].find({})]
    return json_util.dumps(docs, ensure_ascii=False)


class ProfileOnRequest:
    """Identity over RPC, answering a profile for any account; counts the calls."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    async def call(self, service: str, request: GetProfileV1) -> AccountProfileV1:
        self.calls.append(request.account_id)
        return AccountProfileV1(
            account_id=request.account_id,
            email="late@example.fr",
            kind="user",
            civility=None,
            last_name="Tardif",
            first_name="Late",
            job_title=None,
            phone=None,
            siren=SIREN,
        )


async def test_the_rpc_fallback_never_asks_identity_about_a_deleted_account(
    database: AsyncDatabase[dict[str, Any]],
) -> None:
    copies = MongoAccountCopies(database[mongo_account_copies.COLLECTION])
    rpc = ProfileOnRequest()
    accounts = RpcBackedAccounts(copies, rpc)  # type: ignore[arg-type]
    await copies.forget(GONE, T0)

    assert await accounts.get(GONE) is None
    assert await accounts.many([GONE, "someone"]) == {"someone": await copies.get("someone")}
    assert rpc.calls == ["someone"]  # the live account unknown yet is fetched, the deleted one is not


async def test_a_profile_fetched_while_the_account_is_deleted_is_not_kept(
    database: AsyncDatabase[dict[str, Any]],
) -> None:
    copies = MongoAccountCopies(database[mongo_account_copies.COLLECTION])

    class DeletedMeanwhile(ProfileOnRequest):
        async def call(self, service: str, request: GetProfileV1) -> AccountProfileV1:
            profile = await super().call(service, request)
            await copies.forget(request.account_id, T0)  # the deletion event is consumed meanwhile
            return profile

    accounts = RpcBackedAccounts(copies, DeletedMeanwhile())  # type: ignore[arg-type]

    assert await accounts.get(GONE) is None
    assert await database[mongo_account_copies.COLLECTION].find_one({"_id": GONE}) == {
        "_id": GONE,
        "deleted": True,
        "deleted_at": T0,
    }
