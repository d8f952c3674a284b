"""The invitation repository against the real MongoDB-wire store: round trip, one pending per address, listing."""

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from devstack.pytest_plugin import Infrastructure
from efp_runtime.aggregate_store import AggregateStore
from efp_runtime.mongo import create_mongo_client, ensure_indexes
from habilitation.adapters import mongo_invitation_repository
from habilitation.adapters.mongo_invitation_repository import MongoInvitationRepository
from habilitation.domain.errors import Conflict
from habilitation.domain.invitation import VALID_FOR, Invitation, InvitationState, hash_token
from habilitation.use_cases.paging import RecordFilter, RecordPage
from services.habilitation.tests.unit.invitations.samples import make_invitation as invitation
from services.habilitation.tests.unit.samples import OTHER_SIREN, SIREN, T0, on

pytestmark = pytest.mark.integration


@pytest.fixture
async def database(infrastructure: Infrastructure) -> AsyncIterator[AsyncDatabase[dict[str, Any]]]:
    client = create_mongo_client(infrastructure.mongodb_url)
    database = client[f"{infrastructure.database_prefix}invitations_{uuid.uuid4().hex[:8]}"]
    await ensure_indexes(database, mongo_invitation_repository.INDEXES)
    yield database
    await client.close()


@pytest.fixture
def repository(database: AsyncDatabase[dict[str, Any]]) -> MongoInvitationRepository:
    return MongoInvitationRepository(AggregateStore(database[mongo_invitation_repository.COLLECTION], None))


async def test_an_invitation_comes_back_as_it_was_saved(repository: MongoInvitationRepository) -> None:
    sent = invitation()
    await repository.add(sent, [])

    loaded = await repository.get(sent.id)

    assert loaded is not None
    assert loaded == type(sent)(**{**sent.__dict__, "version": 1, "events": []})
    assert [g.end_date for g in loaded.grants] == [on(30), None]


async def test_one_pending_invitation_per_address_and_organisation(
    repository: MongoInvitationRepository, database: AsyncDatabase[dict[str, Any]]
) -> None:
    first = invitation()
    await repository.add(first, [])

    with pytest.raises(Conflict):
        await repository.add(invitation(), [])
    await repository.add(invitation(siren=OTHER_SIREN), [])  # another organisation may

    assert (await repository.pending("jeanne@example.fr", SIREN)).id == first.id
    first.revoke("manager", T0 + timedelta(hours=1))
    await repository.update(first, [])
    assert await repository.pending("jeanne@example.fr", SIREN) is None
    stored = await database[mongo_invitation_repository.COLLECTION].find_one({"_id": first.id})
    assert stored is not None
    assert "pending_key" not in stored
    await repository.add(invitation(), [])  # the address is free again


async def test_a_stale_save_or_a_resend_beside_a_newer_pending_one_is_a_conflict(
    repository: MongoInvitationRepository,
) -> None:
    old = invitation()
    await repository.add(old, [])
    later = T0 + VALID_FOR
    old.expire(later)
    await repository.update(old, [])
    await repository.add(invitation(at=later), [])

    stale = await repository.get(old.id)
    assert stale is not None
    old.revoke("manager", later)
    await repository.update(old, [])
    with pytest.raises(Conflict):
        await repository.update(stale, [])

    expired = invitation(email="paul@example.fr")
    await repository.add(expired, [])
    expired.expire(later)
    await repository.update(expired, [])
    await repository.add(invitation(email="paul@example.fr", at=later), [])
    expired.resend("manager", later + timedelta(hours=1), hash_token("new"))
    with pytest.raises(Conflict):
        await repository.update(expired, [])


async def test_the_list_is_by_organisation_newest_first_and_by_effective_state(
    repository: MongoInvitationRepository,
) -> None:
    old = invitation("old@example.fr")
    fresh = invitation("fresh@example.fr", at=T0 + VALID_FOR)
    accepted = invitation("accepted@example.fr", at=T0 + VALID_FOR)
    accepted.accept("account-accepted", T0 + VALID_FOR)
    elsewhere = invitation("fresh@example.fr", siren=OTHER_SIREN)
    for each in (old, fresh, accepted, elsewhere):
        await repository.add(each, [])
    now = T0 + VALID_FOR + timedelta(minutes=1)  # `old` is past its day, not swept

    def ids(found: RecordPage[Invitation]) -> list[str]:
        return [i.id for i in found.items]

    assert ids(await repository.of_organisation(SIREN, InvitationState.SENT, now)) == [fresh.id]
    assert ids(await repository.of_organisation(SIREN, InvitationState.EXPIRED, now)) == [old.id]
    assert ids(await repository.of_organisation(SIREN, InvitationState.ACCEPTED, now)) == [accepted.id]
    assert set(ids(await repository.of_organisation(SIREN, None, now))) == {old.id, fresh.id, accepted.id}
    assert ids(await repository.of_organisation(SIREN, None, now))[-1] == old.id


async def test_the_list_filters_by_establishment_and_name_or_email_and_pages_newest_first(
    repository: MongoInvitationRepository,
) -> None:
    made = [invitation(f"p{n}@example.fr", at=T0 + timedelta(minutes=n)) for n in range(3)]
    for each in made:
        await repository.add(each, [])
    now = T0 + timedelta(minutes=5)

    first = await repository.of_organisation(SIREN, None, now, RecordFilter(limit=2))
    assert first.next_after is not None
    rest = await repository.of_organisation(SIREN, None, now, RecordFilter(after=first.next_after, limit=2))
    by_email = await repository.of_organisation(SIREN, None, now, RecordFilter(q="P1@EXAMPLE"))
    by_name = await repository.of_organisation(SIREN, None, now, RecordFilter(q=made[0].last_name[:3].upper()))
    elsewhere = await repository.of_organisation(SIREN, None, now, RecordFilter(siret="00000000000000"))

    assert [i.id for i in first.items + rest.items] == [made[2].id, made[1].id, made[0].id]
    assert (first.total, rest.total, rest.next_after) == (3, 3, None)
    assert [i.id for i in by_email.items] == [made[1].id]
    assert by_name.total == 3
    assert elsewhere.total == 0
