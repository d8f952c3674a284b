"""The managers' lists read through an index on the real store, never the whole collection.

What is explained is what the repositories send: every `find` and `aggregate` (a count) of one call,
captured with pymongo's command monitoring. A full scan reads every organisation's documents, so its
cost grows with the whole platform (bench/growth.py measures it). Not here: the expired invitations'
`$or`, for which SecantusDB's rule-based planner has no index path.
"""

import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from pymongo import AsyncMongoClient, monitoring
from pymongo.asynchronous.database import AsyncDatabase

from devstack.pytest_plugin import Infrastructure
from efp_runtime.aggregate_store import AggregateStore
from efp_runtime.mongo import ensure_indexes
from habilitation.adapters import (
    mongo_access_request_repository,
    mongo_account_copies,
    mongo_habilitation_repository,
    mongo_invitation_repository,
    mongo_organisation_users,
)
from habilitation.adapters.mongo_access_request_repository import MongoAccessRequestRepository
from habilitation.adapters.mongo_active_habilitations import MongoActiveHabilitations
from habilitation.adapters.mongo_habilitation_repository import MongoHabilitationRepository
from habilitation.adapters.mongo_invitation_repository import MongoInvitationRepository
from habilitation.adapters.mongo_organisation_users import MongoOrganisationUsers
from habilitation.domain.access_request import RequestState
from habilitation.domain.invitation import InvitationState
from habilitation.use_cases.organisation.ports import UsersQuery
from habilitation.use_cases.paging import RecordFilter

pytestmark = pytest.mark.integration

SIREN = "000018101"
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
PAGE = RecordFilter(limit=50)
_NEEDS = ("account_id", "service", "role", "siret", "end_date")
_NOT_THE_QUERY = {"lsid", "$db", "$clusterTime", "$readPreference", "txnNumber", "readConcern"}


class Sent(monitoring.CommandListener):
    def __init__(self) -> None:
        self.commands: list[dict[str, Any]] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.command_name in ("find", "aggregate"):
            self.commands.append({k: v for k, v in event.command.items() if k not in _NOT_THE_QUERY})

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


@pytest.fixture
async def store(infrastructure: Infrastructure) -> AsyncIterator[tuple[AsyncDatabase[dict[str, Any]], Sent]]:
    sent = Sent()
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        infrastructure.mongodb_url, tz_aware=True, event_listeners=[sent]
    )
    db = client[f"{infrastructure.database_prefix}plans_{uuid.uuid4().hex[:8]}"]
    for module in (
        mongo_account_copies,
        mongo_organisation_users,
        mongo_habilitation_repository,
        mongo_access_request_repository,
        mongo_invitation_repository,
    ):
        await ensure_indexes(db, module.INDEXES)
    yield db, sent
    await client.close()


def lists(db: AsyncDatabase[dict[str, Any]]) -> dict[str, Callable[[], Awaitable[Any]]]:
    listing = MongoOrganisationUsers(
        db[mongo_organisation_users.COLLECTION],
        db[mongo_account_copies.COLLECTION],
        db[mongo_habilitation_repository.COLLECTION],
    )
    habilitations = MongoHabilitationRepository(AggregateStore(db[mongo_habilitation_repository.COLLECTION], None))
    requests = MongoAccessRequestRepository(AggregateStore(db[mongo_access_request_repository.COLLECTION], None))
    invitations = MongoInvitationRepository(AggregateStore(db[mongo_invitation_repository.COLLECTION], None))
    active = MongoActiveHabilitations(db[mongo_habilitation_repository.COLLECTION])
    return {
        "users page": lambda: listing.page(UsersQuery(SIREN, NOW.date(), limit=50)),
        "the page's habilitations": lambda: habilitations.of_organisation(SIREN, account_ids=["a-1", "a-2"]),
        "pending access requests": lambda: requests.of_organisation(SIREN, RequestState.PENDING, PAGE),
        "all access requests": lambda: requests.of_organisation(SIREN, None, PAGE),
        "the badge's pending count": lambda: requests.count_pending([SIREN, "000018572"]),
        "sent invitations": lambda: invitations.of_organisation(SIREN, InvitationState.SENT, NOW, PAGE),
        "all invitations": lambda: invitations.of_organisation(SIREN, None, NOW, PAGE),
        # Not hinted (a hinted index is walked whole): the `siren` clause must still take an index.
        "an establishment's snapshot page": lambda: active.page_of_establishment(f"{SIREN}00011", "h-0", 50),
    }


@pytest.mark.parametrize(
    "name",
    [
        "users page",
        "the page's habilitations",
        "pending access requests",
        "all access requests",
        "the badge's pending count",
        "sent invitations",
        "all invitations",
        "an establishment's snapshot page",
    ],
)
async def test_the_list_reads_through_an_index(store: tuple[AsyncDatabase[dict[str, Any]], Sent], name: str) -> None:
    db, sent = store
    await lists(db)[name]()

    assert sent.commands
    for command in sent.commands:
        plan = json.dumps(await db.command({"explain": command, "verbosity": "queryPlanner"}), default=str)
        assert "IXSCAN" in plan, plan
        assert "COLLSCAN" not in plan, plan


async def test_the_snapshot_page_reads_index_windows_bounded_at_both_ends(
    store: tuple[AsyncDatabase[dict[str, Any]], Sent],
) -> None:
    # SecantusDB walks a range open at one end to the end of the index whatever the limit, and an `_id`
    # hint decodes the whole collection: each window must be the `{state, _id}` index between two ids.
    db, sent = store
    collection = db[mongo_habilitation_repository.COLLECTION]
    ids = sorted(str(uuid.uuid4()) for _ in range(40))
    await collection.insert_many([{"_id": an_id, "state": "active", **dict.fromkeys(_NEEDS)} for an_id in ids])
    sent.commands.clear()

    page = await MongoActiveHabilitations(collection).page(ids[4], 5)

    assert [h.id for h in page] == ids[5:10]
    assert sent.commands
    for command in sent.commands:
        planner = (await db.command({"explain": command, "verbosity": "queryPlanner"}))["queryPlanner"]
        scans = json.dumps(planner["winningPlan"])
        assert '"stage": "IXSCAN"' in scans, scans
        assert '"indexName": "state_1__id_1"' in scans, scans
        assert "COLLSCAN" not in scans, scans
        on_id = {op for clause in planner["parsedQuery"]["$and"] for op in clause.get("_id", {})}
        assert on_id == {"$gt", "$lte"}, planner["parsedQuery"]
