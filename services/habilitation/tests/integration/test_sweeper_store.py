"""The sweeper against the real store: each due thing done once, with its event, however many replicas sweep."""

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from contracts.habilitation import HabilitationExpiredV1
from contracts.invitations import InvitationExpiredV1
from contracts.notification import SendEmailV1
from devstack.pytest_plugin import Infrastructure
from efp_runtime.aggregate_store import AggregateStore
from efp_runtime.clock import ManualClock
from efp_runtime.mongo import create_mongo_client, ensure_indexes
from efp_runtime.outbox import OUTBOX_FIELD
from habilitation.adapters import mongo_habilitation_repository, mongo_invitation_repository
from habilitation.adapters.mongo_habilitation_repository import MongoHabilitationRepository
from habilitation.adapters.mongo_habilitation_sweep import WARNED_AT, MongoHabilitationSweep
from habilitation.adapters.mongo_invitation_repository import MongoInvitationRepository
from habilitation.domain.habilitation import HabilitationState
from habilitation.domain.invitation import VALID_FOR, InvitationState, hash_token
from habilitation.use_cases.habilitations.sweep_habilitations import SweepHabilitations
from habilitation.use_cases.invitations.sweep_invitations import SweepInvitations
from services.habilitation.tests.unit.invitations.samples import make_invitation as invitation
from services.habilitation.tests.unit.samples import LINKS, T0, World, make_habilitation, on

pytestmark = pytest.mark.integration


@pytest.fixture
async def database(infrastructure: Infrastructure) -> AsyncIterator[AsyncDatabase[dict[str, Any]]]:
    client = create_mongo_client(infrastructure.mongodb_url)
    database = client[f"{infrastructure.database_prefix}sweeper_{uuid.uuid4().hex[:8]}"]
    await ensure_indexes(database, [*mongo_invitation_repository.INDEXES, *mongo_habilitation_repository.INDEXES])
    yield database
    await client.close()


def invitations_of(database: AsyncDatabase[dict[str, Any]]) -> MongoInvitationRepository:
    return MongoInvitationRepository(AggregateStore(database[mongo_invitation_repository.COLLECTION], None))


async def test_due_invitations_expire_once_each_with_their_event_even_with_two_replicas(
    database: AsyncDatabase[dict[str, Any]],
) -> None:
    repository = invitations_of(database)
    due = [invitation(f"due{n}@example.fr") for n in range(30)]
    fresh = invitation("fresh@example.fr", at=T0 + timedelta(hours=12))
    accepted = invitation("accepted@example.fr")
    accepted.accept("account-accepted", T0 + timedelta(hours=1))
    for each in (*due, fresh, accepted):
        await repository.add(each, [])
    clock = ManualClock(T0 + VALID_FOR)

    counts = await asyncio.gather(SweepInvitations(repository, clock)(), SweepInvitations(repository, clock)())

    assert sum(counts) == 30
    assert await SweepInvitations(repository, clock)() == 0
    collection = database[mongo_invitation_repository.COLLECTION]
    for each in due:
        stored = await collection.find_one({"_id": each.id})
        assert stored is not None
        assert (stored["state"], stored["version"], "pending_key" in stored) == ("expired", 2, False)
        assert [(h["trigger"], h["by"]) for h in stored["history"]] == [("send", "manager"), ("expire", "system")]
        [event] = stored[OUTBOX_FIELD]
        assert event["type"] == event["routing_key"] == InvitationExpiredV1.MESSAGE_TYPE
        assert InvitationExpiredV1.model_validate_json(event["body"]) == InvitationExpiredV1(
            invitation_id=each.id, siren=each.siren, account_id=each.account_id
        )
    ids = [m["message_id"] async for d in collection.find({"state": "expired"}) for m in d[OUTBOX_FIELD]]
    assert len(set(ids)) == 30
    assert (await repository.get(fresh.id)).state is InvitationState.SENT
    assert (await repository.get(accepted.id)).state is InvitationState.ACCEPTED


async def test_a_swept_invitation_is_an_ordinary_expired_one_that_can_be_resent(
    database: AsyncDatabase[dict[str, Any]],
) -> None:
    repository = invitations_of(database)
    sent = invitation()
    await repository.add(sent, [])
    later = T0 + VALID_FOR + timedelta(minutes=5)
    await SweepInvitations(repository, ManualClock(later))()

    swept = await repository.get(sent.id)
    assert swept is not None
    swept.resend("manager", later, hash_token("new"))
    await repository.update(swept, [])

    assert (await repository.pending(sent.email, sent.siren)).id == sent.id


async def test_the_sweepers_query_walks_the_state_and_expiry_index(database: AsyncDatabase[dict[str, Any]]) -> None:
    collection = database[mongo_invitation_repository.COLLECTION]

    plan = await collection.find({"state": "sent", "expires_at": {"$lte": T0}}).explain()

    assert "state_1_expires_at_1" in json.dumps(plan["queryPlanner"]["winningPlan"], default=str)


async def test_end_dates_lapse_and_warnings_go_once_through_the_real_store(
    database: AsyncDatabase[dict[str, Any]],
) -> None:
    collection = database[mongo_habilitation_repository.COLLECTION]
    habilitations = MongoHabilitationRepository(AggregateStore(collection, None))
    for habilitation_id, end_date in (("due", on(0)), ("soon", on(7)), ("later", on(8)), ("forever", None)):
        await habilitations.add(make_habilitation(id=habilitation_id, end_date=end_date), [])
    world = World()
    world.manager("manager")
    world.member("holder")

    def replica() -> SweepHabilitations:
        sweep = MongoHabilitationSweep(collection, None)
        return SweepHabilitations(
            sweep, habilitations, world.rights, world.accounts, world.directory, LINKS, world.clock
        )

    counts = await asyncio.gather(replica()(), replica()())

    assert sum(counts) == 2  # one lapse and one warning, whichever replica did them
    due = await collection.find_one({"_id": "due"})
    soon = await collection.find_one({"_id": "soon"})
    assert due is not None
    assert soon is not None
    assert due["state"] == HabilitationState.EXPIRED.value
    assert [m["type"] for m in due[OUTBOX_FIELD]] == [HabilitationExpiredV1.MESSAGE_TYPE, SendEmailV1.MESSAGE_TYPE]
    assert soon[WARNED_AT] == T0
    audiences = sorted(json.loads(m["body"])["content"]["audience"] for m in soon[OUTBOX_FIELD])
    assert audiences == ["holder", "manager"]
    assert await replica()() == 0
    for untouched in ("later", "forever"):
        doc = await collection.find_one({"_id": untouched})
        assert doc is not None
        assert WARNED_AT not in doc
        assert not doc[OUTBOX_FIELD]


async def test_the_warning_survives_later_saves_and_a_revocation_meanwhile_stops_it(
    database: AsyncDatabase[dict[str, Any]],
) -> None:
    collection = database[mongo_habilitation_repository.COLLECTION]
    habilitations = MongoHabilitationRepository(AggregateStore(collection, None))
    sweep = MongoHabilitationSweep(collection, None)
    await habilitations.add(make_habilitation(id="warned", end_date=on(5)), [])
    await habilitations.add(make_habilitation(id="revoked", end_date=on(5)), [])
    # By id: both end the same day, and the sweep orders by end date only (ties in whichever index order).
    ending = {h.id: h for h in await sweep.ending_unwarned(T0.date(), on(7), 10)}
    first, second = ending["warned"], ending["revoked"]
    revoked = await habilitations.get("revoked")
    assert revoked is not None
    revoked.revoke("manager", T0)
    await habilitations.update(revoked, [])

    assert await sweep.record_warning(first, T0, []) is True
    assert await sweep.record_warning(first, T0, []) is False  # already warned (and its version moved on)
    assert await sweep.record_warning(second, T0, []) is False  # revoked since it was read

    warned = await habilitations.get("warned")
    assert warned is not None
    warned.revoke("manager", T0 + timedelta(days=1))
    await habilitations.update(warned, [])
    doc = await collection.find_one({"_id": "warned"})
    assert doc is not None
    assert (doc[WARNED_AT], doc["state"]) == (T0, "revoked")
