"""The store's query plan of each list the growth bench measures, for the exact commands the repositories send.

The repositories run in the bench's process on a client with a command listener (pymongo.monitoring):
every `find` and `aggregate` (a `count_documents`) they send is captured as sent, then given back to
the store as `explain`. A plan passes when it reads through an index only: an index scan, no
collection scan, no sort in memory (a merge of index-ordered scans is no sort).
"""

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pymongo import AsyncMongoClient, monitoring
from pymongo.asynchronous.database import AsyncDatabase

from efp_runtime.aggregate_store import AggregateStore
from habilitation.adapters import (
    mongo_access_request_repository,
    mongo_account_copies,
    mongo_habilitation_repository,
    mongo_invitation_repository,
    mongo_organisation_users,
)
from habilitation.adapters.mongo_access_request_repository import MongoAccessRequestRepository
from habilitation.adapters.mongo_habilitation_repository import MongoHabilitationRepository
from habilitation.adapters.mongo_invitation_repository import MongoInvitationRepository
from habilitation.adapters.mongo_organisation_users import MongoOrganisationUsers
from habilitation.domain.access_request import RequestState
from habilitation.domain.invitation import InvitationState
from habilitation.use_cases.organisation.ports import UsersQuery
from habilitation.use_cases.paging import RecordFilter

PAGE = 50  # the gateway's default page
# What the driver adds to a command that is no part of the query.
_SESSION_FIELDS = {"lsid", "$db", "$clusterTime", "$readPreference", "txnNumber", "readConcern"}
_SCANS = {"IXSCAN", "COUNT_SCAN", "DISTINCT_SCAN", "IDHACK", "EXPRESS_IXSCAN"}


class Captured(monitoring.CommandListener):
    def __init__(self) -> None:
        self.commands: list[dict[str, Any]] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.command_name in ("find", "aggregate"):
            self.commands.append({k: v for k, v in event.command.items() if k not in _SESSION_FIELDS})

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


@dataclass
class Plan:
    name: str
    command: dict[str, Any]
    stages: list[str]  # every stage of the winning plan, outermost first
    winning: Any

    @property
    def index_only(self) -> bool:
        return bool(_SCANS & set(self.stages)) and "COLLSCAN" not in self.stages and "SORT" not in self.stages


async def plans(url: str, database: str, siren: str, manager: str) -> list[Plan]:
    """The plans of what one page of each list sends, for organisation `siren`."""
    captured = Captured()
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(url, tz_aware=True, event_listeners=[captured])
    db = client[database]
    listing = MongoOrganisationUsers(
        db[mongo_organisation_users.COLLECTION], db[mongo_account_copies.COLLECTION], db["habilitations"]
    )
    requests = MongoAccessRequestRepository(AggregateStore(db[mongo_access_request_repository.COLLECTION], None))
    invitations = MongoInvitationRepository(AggregateStore(db[mongo_invitation_repository.COLLECTION], None))
    habilitations = MongoHabilitationRepository(AggregateStore(db[mongo_habilitation_repository.COLLECTION], None))
    page = RecordFilter(limit=PAGE)
    now = datetime.now(UTC)
    members = (await listing.page(UsersQuery(siren, now.date(), limit=PAGE))).account_ids
    calls: list[tuple[str, Callable[[], Awaitable[Any]]]] = [
        ("users page", lambda: listing.page(UsersQuery(siren, now.date(), limit=PAGE))),
        ("users page: its habilitations", lambda: habilitations.of_organisation(siren, account_ids=members)),
        ("access requests page, pending", lambda: requests.of_organisation(siren, RequestState.PENDING, page)),
        ("access requests page, all", lambda: requests.of_organisation(siren, None, page)),
        ("invitations page, sent", lambda: invitations.of_organisation(siren, InvitationState.SENT, now, page)),
        ("invitations page, expired", lambda: invitations.of_organisation(siren, InvitationState.EXPIRED, now, page)),
        ("invitations page, all", lambda: invitations.of_organisation(siren, None, now, page)),
        ("me: the manager's habilitations", lambda: habilitations.of_account(manager)),
        ("me: pending requests to review", lambda: requests.count_pending([siren])),
    ]
    found = []
    try:
        for name, call in calls:
            captured.commands.clear()
            await call()
            for number, command in enumerate(list(captured.commands)):
                label = name if len(captured.commands) == 1 else f"{name} ({number + 1}: {next(iter(command))})"
                found.append(await explained(db, label, command))
    finally:
        await client.close()
    return found


async def explained(db: AsyncDatabase[dict[str, Any]], name: str, command: dict[str, Any]) -> Plan:
    answer = await db.command({"explain": command, "verbosity": "queryPlanner"})
    winning = _winning(answer)
    return Plan(name, command, list(_stages(winning)), winning)


def _winning(answer: Any) -> Any:
    """The winning plan wherever the answer nests it (a find's queryPlanner, an aggregate's $cursor stage)."""
    if isinstance(answer, dict):
        if "winningPlan" in answer:
            return answer["winningPlan"]
        for value in answer.values():
            if (found := _winning(value)) is not None:
                return found
    if isinstance(answer, list):
        for value in answer:
            if (found := _winning(value)) is not None:
                return found
    return None


def _stages(plan: Any) -> list[str]:
    if isinstance(plan, dict):
        own = [plan["stage"]] if isinstance(plan.get("stage"), str) else []
        return own + [stage for key, value in plan.items() if key != "stage" for stage in _stages(value)]
    if isinstance(plan, list):
        return [stage for value in plan for stage in _stages(value)]
    return []


def describe(plan: Plan) -> str:
    verdict = "index only" if plan.index_only else "NOT INDEX ONLY"
    query = {k: v for k, v in plan.command.items() if k in ("filter", "sort", "limit", "pipeline")}
    lines = [f"{plan.name}: {' → '.join(plan.stages) or 'no plan given'} ({verdict})"]
    lines.append(f"    query   {json.dumps(query, default=str, ensure_ascii=False)}")
    lines.append(f"    plan    {json.dumps(plan.winning, default=str, ensure_ascii=False)}")
    return "\n".join(lines)
