"""The e-mail repository and the rate limiter against the real MongoDB-wire store."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.monitoring import CommandFailedEvent, CommandListener, CommandStartedEvent, CommandSucceededEvent

from devstack.pytest_plugin import Infrastructure
from efp_runtime.mongo import create_mongo_client, ensure_indexes
from notification import bootstrap
from notification.adapters.mongo_email_repository import COLLECTION, MongoEmailRepository
from notification.adapters.mongo_rate_limiter import MongoRateLimiter
from notification.domain.email import AbandonReason, Email, EmailState
from notification.domain.rate_budget import Budget, Scope

pytestmark = pytest.mark.integration
# In the future: the store's TTL monitor deletes by its own clock a rate budget whose window has passed.
T0 = datetime(2099, 11, 22, 9, 0, tzinfo=UTC)
ADA = Budget(Scope.RECIPIENT, "signup", "Ada@Example.fr")


def limiter_of(database: AsyncDatabase[Any], per_recipient: int, per_requester: int = 0) -> MongoRateLimiter:
    limits = {Scope.RECIPIENT: per_recipient, Scope.REQUESTER: per_requester}
    return MongoRateLimiter(database["rate_budgets"], limits, timedelta(hours=1))


@pytest.fixture
async def database(infrastructure: Infrastructure) -> AsyncIterator[AsyncDatabase[dict[str, Any]]]:
    client = create_mongo_client(infrastructure.mongodb_url)
    db = client[f"{infrastructure.database_prefix}notification_it_{uuid.uuid4().hex[:6]}"]
    await ensure_indexes(db, bootstrap.INDEXES)
    yield db
    await client.close()


def email(email_id: str, at: datetime, account_id: str | None = "a-1") -> Email:
    return Email(email_id, "ada@example.fr", "account_created", "Créé", "••••••", "corr", at, account_id=account_id)


async def test_an_email_comes_back_as_it_was_stored_with_its_whole_story(database: AsyncDatabase[Any]) -> None:
    emails = MongoEmailRepository(database[COLLECTION])
    stored = email("m-1", T0)
    stored.start_sending(T0)
    stored.failed(T0 + timedelta(seconds=1), "550 5.1.1 unknown", permanent=True)
    stored.requeue(T0 + timedelta(seconds=2), by="ops")
    stored.throttle(T0 + timedelta(seconds=3), "rate limit")
    stored.expire(T0 + timedelta(seconds=4), "rate limit still reached")

    assert await emails.add(stored)
    assert not await emails.add(email("m-1", T0))

    found = await emails.get("m-1")
    assert found == stored
    assert found is not None
    assert (found.state, found.abandon_reason) == (EmailState.ABANDONED, AbandonReason.RATE_LIMITED)


async def test_an_update_from_a_stale_copy_is_refused(database: AsyncDatabase[Any]) -> None:
    emails = MongoEmailRepository(database[COLLECTION])
    await emails.add(email("m-1", T0))
    mine, theirs = await emails.get("m-1"), await emails.get("m-1")
    assert mine is not None
    assert theirs is not None
    theirs.start_sending(T0)
    assert await emails.update(theirs)

    mine.start_sending(T0)

    assert not await emails.update(mine)


async def test_an_update_saves_the_whole_story_as_given_and_a_refused_one_changes_nothing(
    database: AsyncDatabase[Any],
) -> None:
    emails = MongoEmailRepository(database[COLLECTION])
    await emails.add(email("m-1", T0))
    stale, current = await emails.get("m-1"), await emails.get("m-1")
    assert stale is not None
    assert current is not None
    current.start_sending(T0)
    # What a server says is saved as it is, even where an update pipeline would read a field path.
    current.failed(T0 + timedelta(seconds=1), "$version 550 {'$inc': 1}", permanent=True)

    assert await emails.update(current)
    saved = await database[COLLECTION].find_one({"_id": "m-1"})
    stale.start_sending(T0)
    assert not await emails.update(stale)

    assert await emails.get("m-1") == current
    assert await database[COLLECTION].find_one({"_id": "m-1"}) == saved


async def test_of_two_concurrent_updates_from_one_version_exactly_one_is_saved(database: AsyncDatabase[Any]) -> None:
    emails = MongoEmailRepository(database[COLLECTION])
    await emails.add(email("m-1", T0))
    await emails.add(email("m-2", T0))
    first, second, other = await emails.get("m-1"), await emails.get("m-1"), await emails.get("m-2")
    assert first is not None
    assert second is not None
    assert other is not None
    first.start_sending(T0)
    second.start_sending(T0)
    other.start_sending(T0)

    saved = await asyncio.gather(emails.update(first), emails.update(second), emails.update(other))

    assert sorted(saved[:2]) == [False, True]
    assert saved[2] is True
    stored = await emails.get("m-1")
    assert stored is not None
    assert stored.version == 2


async def test_the_account_history_pages_newest_first_even_through_equal_times(database: AsyncDatabase[Any]) -> None:
    emails = MongoEmailRepository(database[COLLECTION])
    for item in (email("m-a", T0), email("m-b", T0), email("m-c", T0 + timedelta(minutes=1)), email("x", T0, "a-2")):
        await emails.add(item)

    first = await emails.list_for_account("a-1", 2, None)
    rest = await emails.list_for_account("a-1", 2, first[-1])

    assert [e.id for e in first] == ["m-c", "m-b"]
    assert [e.id for e in rest] == ["m-a"]


async def test_abandoned_emails_are_listed_newest_first(database: AsyncDatabase[Any]) -> None:
    emails = MongoEmailRepository(database[COLLECTION])
    for index in range(3):
        item = email(f"m-{index}", T0 + timedelta(minutes=index))
        item.start_sending(T0)
        if index != 1:
            item.failed(T0, "550 no", permanent=True)
        await emails.add(item)

    assert [e.id for e in await emails.list_abandoned(10)] == ["m-2", "m-0"]


async def test_the_rate_limit_slides_and_refused_emails_do_not_count(database: AsyncDatabase[Any]) -> None:
    limiter = limiter_of(database, 2)

    taken = [await limiter.take(ADA, f"m-{m}", T0 + timedelta(minutes=m)) for m in (0, 10, 20, 30)]
    later = await limiter.take(Budget(Scope.RECIPIENT, "signup", "ada@example.fr"), "m-65", T0 + timedelta(minutes=65))

    assert [t.admitted for t in taken] == [True, True, False, False]
    # A refusal says when the oldest place frees: one hour after the first e-mail.
    assert (taken[2].retry_after, taken[3].retry_after) == (timedelta(minutes=40), timedelta(minutes=30))
    assert taken[2].rule == "at most 2 signup e-mails to one address per 3600 s"
    # One hour after the first, one place is free again; the refusals at 20 and 30 held none.
    assert later.admitted
    assert (await limiter.take(Budget(Scope.RECIPIENT, "signup", "other@example.fr"), "m-x", T0)).admitted


async def test_each_family_and_each_requester_has_its_own_budget(database: AsyncDatabase[Any]) -> None:
    limiter = limiter_of(database, 1, per_requester=1)
    assert (await limiter.take(ADA, "m-1", T0)).admitted
    assert not (await limiter.take(ADA, "m-2", T0)).admitted

    assert (await limiter.take(Budget(Scope.RECIPIENT, "reset", "ada@example.fr"), "m-3", T0)).admitted
    ip = Budget(Scope.REQUESTER, "signup", "203.0.113.7")
    assert (await limiter.take(ip, "m-4", T0)).admitted
    refused = await limiter.take(ip, "m-5", T0)
    assert (refused.admitted, refused.rule) == (False, "at most 1 signup e-mails asked by one requester per 3600 s")


async def test_the_same_email_asking_again_is_let_through_without_counting_twice(
    database: AsyncDatabase[Any],
) -> None:
    limiter = limiter_of(database, 2)

    assert (await limiter.take(ADA, "m-1", T0)).admitted
    assert (await limiter.take(ADA, "m-1", T0 + timedelta(minutes=1))).admitted

    assert (await limiter.take(ADA, "m-2", T0 + timedelta(minutes=2))).admitted
    assert not (await limiter.take(ADA, "m-3", T0 + timedelta(minutes=3))).admitted


async def test_concurrent_emails_to_one_address_never_pass_the_limit(database: AsyncDatabase[Any]) -> None:
    limiter = limiter_of(database, 5)
    flood = Budget(Scope.RECIPIENT, "signup", "flood@example.fr")

    results = [a.admitted for a in await asyncio.gather(*(limiter.take(flood, f"m-{i}", T0) for i in range(30)))]

    assert sum(results) == 5
    assert results[:5] == [True] * 5  # in the order they asked


class Commands(CommandListener):
    """The names of the commands a client sent to a collection, in order (not its handshakes)."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def started(self, event: CommandStartedEvent) -> None:
        if event.command.get(event.command_name) == "rate_budgets":
            self.names.append(event.command_name)

    def succeeded(self, event: CommandSucceededEvent) -> None:
        pass

    def failed(self, event: CommandFailedEvent) -> None:
        pass


async def test_a_batch_wholly_let_through_is_answered_without_reading_the_budgets_back(
    infrastructure: Infrastructure, database: AsyncDatabase[Any]
) -> None:
    commands = Commands()
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        infrastructure.mongodb_url, tz_aware=True, event_listeners=[commands]
    )
    limits = {Scope.RECIPIENT: 3, Scope.REQUESTER: 0}
    limiter = MongoRateLimiter(client[database.name]["rate_budgets"], limits, timedelta(hours=1))
    flood = Budget(Scope.RECIPIENT, "signup", "flood@example.fr")
    try:
        # New budgets (upserted) and an existing one (modified), in one batch each time.
        first = await asyncio.gather(limiter.take(ADA, "m-1", T0), limiter.take(flood, "m-2", T0))
        second = await asyncio.gather(*(limiter.take(flood, f"m-{i}", T0) for i in (3, 4)))
        assert [a.admitted for a in [*first, *second]] == [True] * 4
        assert commands.names == ["update", "update"]  # no "find"

        # A refusal (and the same e-mail asking again) modifies nothing: the batch is read back.
        del commands.names[:]
        third = await asyncio.gather(limiter.take(flood, "m-2", T0), limiter.take(flood, "m-5", T0))
        assert [(a.admitted, a.retry_after) for a in third] == [(True, timedelta(0)), (False, timedelta(hours=1))]
        assert commands.names[1:] == ["find"]
    finally:
        await client.close()


async def test_a_refused_email_leaves_its_budget_as_it_was(database: AsyncDatabase[Any]) -> None:
    limiter = limiter_of(database, 1)
    assert (await limiter.take(ADA, "m-1", T0)).admitted
    before = await database["rate_budgets"].find_one({"_id": ADA.key})

    refused = await limiter.take(ADA, "m-2", T0 + timedelta(minutes=30))

    assert (refused.admitted, refused.retry_after) == (False, timedelta(minutes=30))
    # Expiry included: a budget a flood keeps refusing still expires a window after its last admission.
    assert await database["rate_budgets"].find_one({"_id": ADA.key}) == before
    assert (await limiter.take(ADA, "m-3", T0 + timedelta(minutes=61))).admitted


async def test_concurrent_inserts_of_one_email_store_it_once(database: AsyncDatabase[Any]) -> None:
    emails = MongoEmailRepository(database[COLLECTION])

    created = await asyncio.gather(*(emails.add(email(f"m-{i % 3}", T0)) for i in range(9)))

    assert sorted(created) == [False] * 6 + [True] * 3
    assert await database[COLLECTION].count_documents({}) == 3
