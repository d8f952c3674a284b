"""The organisations' users listing against the real store: kept by the repositories' writes, paged by name."""

import uuid
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from devstack.pytest_plugin import Infrastructure
from efp_runtime.aggregate_store import AggregateStore
from efp_runtime.mongo import create_mongo_client, ensure_indexes
from habilitation.adapters import mongo_account_copies, mongo_habilitation_repository, mongo_organisation_users
from habilitation.adapters.mongo_account_copies import MongoAccountCopies
from habilitation.adapters.mongo_habilitation_repository import MongoHabilitationRepository
from habilitation.adapters.mongo_organisation_users import MongoOrganisationUsers
from habilitation.use_cases.organisation.ports import UsersQuery
from habilitation.use_cases.ports import AccountCopy
from services.habilitation.tests.unit.samples import T0, make_habilitation

pytestmark = pytest.mark.integration

SIREN, SIRET, SIRET_2 = "000018101", "00001810100014", "00001810100022"
OTHER_SIREN = "000018572"
TODAY = T0.date()


@pytest.fixture
async def database(infrastructure: Infrastructure) -> AsyncIterator[AsyncDatabase[dict[str, Any]]]:
    client = create_mongo_client(infrastructure.mongodb_url)
    db = client[f"{infrastructure.database_prefix}users_{uuid.uuid4().hex[:8]}"]
    await ensure_indexes(
        db,
        [*mongo_habilitation_repository.INDEXES, *mongo_account_copies.INDEXES, *mongo_organisation_users.INDEXES],
    )
    yield db
    await client.close()


def _listing(db: AsyncDatabase[dict[str, Any]]) -> MongoOrganisationUsers:
    return MongoOrganisationUsers(
        db[mongo_organisation_users.COLLECTION],
        db[mongo_account_copies.COLLECTION],
        db[mongo_habilitation_repository.COLLECTION],
    )


def _person(account_id: str, last: str, first: str, siren: str = SIREN) -> AccountCopy:
    return AccountCopy(account_id, f"{account_id}@x.fr", "person", None, last, first, siren=siren)


async def _world(db: AsyncDatabase[dict[str, Any]]) -> MongoOrganisationUsers:
    listing = _listing(db)
    accounts = MongoAccountCopies(db[mongo_account_copies.COLLECTION], listing)
    habilitations = MongoHabilitationRepository(
        AggregateStore(db[mongo_habilitation_repository.COLLECTION], None), listing
    )
    for person in (
        _person("a-1", "Étienne", "Zoé"),
        _person("a-2", "etienne", "Anaïs"),
        _person("a-3", "Le Goff", "Yann"),
        _person("a-4", "Martin", "Léa"),
        _person("d-1", "Dubois", "Marc", siren=OTHER_SIREN),  # a delegate
        _person("o-1", "Autre", "Personne", siren=OTHER_SIREN),  # of the other organisation only
    ):
        await accounts.save(person)
    grants = [
        ("h-1", "a-1", "centre_agree", SIRET, None),
        ("h-2", "a-3", "gestionnaire_centres", SIRET_2, None),
        ("h-3", "d-1", "centre_agree", SIRET_2, date(2099, 1, 1)),
        ("h-4", "a-4", "centre_agree", SIRET_2, date(2000, 1, 1)),  # past its end date, not yet swept
    ]
    for habilitation_id, account_id, role, siret, end in grants:
        await habilitations.add(
            make_habilitation(
                id=habilitation_id, account_id=account_id, role=role, siret=siret, siren=SIREN, end_date=end
            ),
            [],
        )
    return listing


async def test_pages_follow_last_name_first_name_and_id_with_accents_and_case_ignored(
    database: AsyncDatabase[dict[str, Any]],
) -> None:
    listing = await _world(database)

    seen, after, totals = [], None, set()
    while True:
        page = await listing.page(UsersQuery(SIREN, TODAY, after=after, limit=2))
        seen.append(page.account_ids)
        totals.add(page.total)
        if page.next_after is None:
            break
        after = page.next_after

    assert seen == [["d-1", "a-2"], ["a-1", "a-3"], ["a-4"]]
    assert totals == {5}


async def test_filters_count_only_valid_habilitations_and_a_name_prefix(
    database: AsyncDatabase[dict[str, Any]],
) -> None:
    listing = await _world(database)

    async def ids(**filters: Any) -> tuple[list[str], int]:
        page = await listing.page(UsersQuery(SIREN, TODAY, **filters))
        return page.account_ids, page.total

    assert await ids(role="centre_agree") == (["d-1", "a-1"], 2)
    assert await ids(siret=SIRET_2) == (["d-1", "a-3"], 2)
    assert await ids(role="centre_agree", siret=SIRET) == (["a-1"], 1)
    assert await ids(q="ETIEN") == (["a-2", "a-1"], 2)
    assert await ids(q="goff") == (["a-3"], 1)
    assert await ids(q="zoe eti") == (["a-1"], 1)
    assert await ids(q="a.*") == ([], 0)  # the text is a prefix, not a pattern


async def test_a_revoked_habilitation_takes_the_delegate_out_and_a_rebuild_gives_the_same_listing(
    database: AsyncDatabase[dict[str, Any]],
) -> None:
    listing = await _world(database)
    habilitations = MongoHabilitationRepository(
        AggregateStore(database[mongo_habilitation_repository.COLLECTION], None), listing
    )
    delegated = await habilitations.get("h-3")
    assert delegated is not None
    delegated.revoke("manager", T0)
    await habilitations.update(delegated, [])
    before = await listing.page(UsersQuery(SIREN, TODAY))

    await database[mongo_organisation_users.COLLECTION].delete_many({})
    rebuilt = await listing.rebuild_if_empty()

    assert "d-1" not in before.account_ids
    assert rebuilt == 6
    assert await listing.page(UsersQuery(SIREN, TODAY)) == before
    assert (await listing.page(UsersQuery(OTHER_SIREN, TODAY))).account_ids == ["o-1", "d-1"]
