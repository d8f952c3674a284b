"""Sweeper benchmark: one pass expiring 100,000 overdue invitations, and the plan of the sweeper's query.

Starts its own SecantusDB on a free port in a temp dir (as bench/login.py does; no broker: the
pass only writes the events into the outbox), inserts the invitations directly in bulk into a
fresh database with the service's indexes, then times one `SweepInvitations` pass.

    .venv/bin/python bench/sweeper.py [--overdue 100000] [--fresh 5000]
"""

import argparse
import asyncio
import json
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from devstack.processes import Stack, free_port
from devstack.system import start_mongodb
from efp_runtime.aggregate_store import AggregateStore
from efp_runtime.mongo import create_mongo_client, ensure_indexes
from efp_runtime.outbox import OUTBOX_FIELD
from habilitation.adapters import mongo_invitation_repository
from habilitation.adapters.mongo_invitation_repository import COLLECTION, MongoInvitationRepository, document_of
from habilitation.domain.invitation import VALID_FOR, Invitation, InvitedGrant, hash_token, new_token
from habilitation.use_cases.sweep_invitations import SweepInvitations

GOAL_SECONDS = 30
NOW = datetime(2030, 1, 15, 9, 0, tzinfo=UTC)
INSERT_BATCH = 2_000


def stored(n: int, sent_at: datetime) -> dict[str, Any]:
    """An invitation document as the repository writes it, for a made-up invitee of a made-up organisation."""
    invitation_id = str(uuid.uuid4())
    invitation = Invitation.send(
        sent_at,
        hash_token(new_token(invitation_id)),
        id=invitation_id,
        email=f"personne.{n}@centre-{n % 5000}.fr",
        account_id=str(uuid.uuid4()),
        first_name="Camille",
        last_name=f"Banc-{n}",
        siren=f"{100000000 + n % 5000}",
        grants=(InvitedGrant("ceres", "centre_agree", f"{100000000 + n % 5000}00011"),),
        invited_by=str(uuid.uuid4()),
        has_account=n % 2 == 0,
        organisation_name=f"Centre de formation {n % 5000}",
    )
    fields = {k: v for k, v in document_of(invitation).items() if v is not mongo_invitation_repository.UNSET}
    return {**fields, "_id": invitation.id, "version": 1, OUTBOX_FIELD: []}


async def bench(url: str, overdue: int, fresh: int) -> tuple[int, float, dict[str, Any]]:
    client = create_mongo_client(url)
    database = client[f"bench_sweeper_{uuid.uuid4().hex[:8]}"]
    await ensure_indexes(database, mongo_invitation_repository.INDEXES)
    collection = database[COLLECTION]
    started = time.perf_counter()
    overdue_at, fresh_at = NOW - VALID_FOR - timedelta(hours=1), NOW - timedelta(hours=1)
    docs = [stored(n, overdue_at) for n in range(overdue)] + [stored(overdue + n, fresh_at) for n in range(fresh)]
    for start in range(0, len(docs), INSERT_BATCH):
        await collection.insert_many(docs[start : start + INSERT_BATCH], ordered=False)
    print(f"inserted                 {len(docs):,} invitations in {time.perf_counter() - started:.1f} s")
    query = {"state": "sent", "expires_at": {"$lte": NOW}}
    plan = await collection.find(query).explain()
    sweep = SweepInvitations(MongoInvitationRepository(AggregateStore(collection, None)), lambda: NOW)
    started = time.perf_counter()
    expired = await sweep()
    elapsed = time.perf_counter() - started
    left = await collection.count_documents(query)
    with_event = await collection.count_documents({"state": "expired", f"{OUTBOX_FIELD}.0": {"$exists": True}})
    still_sent = await collection.count_documents({"state": "sent"})
    print(f"left due after the pass  {left:,}; expired with their event {with_event:,}; still sent {still_sent:,}")
    await client.close()
    return expired, elapsed, plan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--overdue", type=int, default=100_000)
    parser.add_argument("--fresh", type=int, default=5_000, help="invitations still within their day (untouched)")
    args = parser.parse_args()

    stack = Stack()
    state = Path(tempfile.mkdtemp(prefix="efp-bench-sweeper-"))
    try:
        url = start_mongodb(stack, state, free_port())
        expired, elapsed, plan = asyncio.run(bench(url, args.overdue, args.fresh))
    finally:
        stack.stop()
    print("query plan of the sweeper's query {state: 'sent', expires_at: {$lte: now}}:")
    print(json.dumps(plan["queryPlanner"]["winningPlan"], indent=2, default=str))
    if "executionStats" in plan:
        stats = {k: plan["executionStats"][k] for k in ("nReturned", "totalKeysExamined", "totalDocsExamined")}
        print(f"execution stats          {stats}")
    rate = expired / elapsed if elapsed else float("inf")
    print(f"one sweep pass           {expired:,} invitations expired in {elapsed:.1f} s ({rate:,.0f}/s)")
    print(f"                         goal < {GOAL_SECONDS} s for 100,000")
    sys.exit(0 if expired == args.overdue else 1)


if __name__ == "__main__":
    main()
