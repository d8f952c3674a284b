"""A deleted account's e-mails erased, and the retention, against the real MongoDB-wire store: the mark
written without a version, the final write of a send in progress erasing what was marked, the indexes."""

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from devstack.pytest_plugin import Infrastructure
from efp_runtime.mongo import create_mongo_client, ensure_indexes
from notification import bootstrap
from notification.adapters.mongo_email_erasure import MongoEmailErasure
from notification.adapters.mongo_email_repository import COLLECTION, MongoEmailRepository
from notification.adapters.mongo_rate_limiter import COLLECTION as BUDGETS
from notification.adapters.mongo_rate_limiter import MongoRateLimiter
from notification.domain.email import Email, EmailState
from notification.domain.rate_budget import Budget, Scope, budgets_to
from notification.use_cases.privacy.ports import Person

pytestmark = pytest.mark.integration
# In the future: the store's TTL monitor deletes by its own clock a rate budget whose window has passed.
T0 = datetime(2099, 11, 22, 9, 0, tzinfo=UTC)
ADA = Person("a-1", ("ada@example.fr",))
YEAR = timedelta(days=365)


@pytest.fixture
async def database(infrastructure: Infrastructure) -> AsyncIterator[AsyncDatabase[dict[str, Any]]]:
    client = create_mongo_client(infrastructure.mongodb_url)
    db = client[f"{infrastructure.database_prefix}notification_it_{uuid.uuid4().hex[:6]}"]
    await ensure_indexes(db, bootstrap.INDEXES)
    yield db
    await client.close()


def email(email_id: str, at: datetime = T0, account_id: str | None = "a-1", to: str = "ada@example.fr") -> Email:
    return Email(email_id, to, "account_created", "Créé", "Bonjour Ada", "corr", at, account_id=account_id)


def sent(made: Email) -> Email:
    made.start_sending(made.created_at)
    made.sent(made.created_at + timedelta(seconds=1), "250 ok")
    return made


async def test_mentions_and_the_erasure_fields_come_back_as_stored(database: AsyncDatabase[Any]) -> None:
    emails = MongoEmailRepository(database[COLLECTION])
    stored = email("m-1", account_id="a-9", to="manager@example.fr")
    stored.mentions = ["a-1", "a-2"]
    stored.erase_when_done = True
    await emails.add(stored)

    assert await emails.get("m-1") == stored
    # Written only when there are some: the sparse index holds only the e-mails that mention someone.
    plain = email("m-2")
    await emails.add(plain)
    raw = await database[COLLECTION].find_one({"_id": "m-2"})
    assert raw is not None
    assert {"mentions", "erase_when_done", "erased_at"}.isdisjoint(raw)


async def test_done_emails_about_mentioning_or_to_the_person_are_erased_once(database: AsyncDatabase[Any]) -> None:
    emails, erasure = (
        MongoEmailRepository(database[COLLECTION]),
        MongoEmailErasure(database[COLLECTION], database[BUDGETS]),
    )
    mentioning = sent(email("mentioning", account_id="a-9", to="manager@example.fr"))
    mentioning.mentions = ["a-1"]
    for made in (
        sent(email("about")),
        mentioning,
        sent(email("before", account_id=None)),
        sent(email("other", account_id="a-2", to="x@example.fr")),
    ):
        await emails.add(made)

    assert await erasure.erase_done(ADA, T0 + YEAR) == 3
    assert await erasure.erase_done(ADA, T0 + 2 * YEAR) == 0

    for email_id in ("about", "mentioning", "before"):
        found = await emails.get(email_id)
        assert found is not None
        assert (found.masked_text, found.to, found.erased_at, found.subject) == ("", "", T0 + YEAR, "Créé")
        assert found.state is EmailState.SENT
    other = await emails.get("other")
    assert other is not None
    assert (other.to, other.masked_text) == ("x@example.fr", "Bonjour Ada")


async def test_a_send_in_progress_saves_its_outcome_and_that_write_erases_what_was_marked(
    database: AsyncDatabase[Any],
) -> None:
    emails, erasure = (
        MongoEmailRepository(database[COLLECTION]),
        MongoEmailErasure(database[COLLECTION], database[BUDGETS]),
    )
    sending = email("m-1")
    sending.start_sending(T0)
    await emails.add(sending)

    assert await erasure.mark_erase_when_done(ADA) == 1
    assert await erasure.mark_erase_when_done(ADA) == 0
    assert await erasure.erase_done(ADA, T0) == 0

    # The copy the sender holds, read before the mark: its version check still passes.
    sending.sent(T0 + timedelta(seconds=5), "250 ok")
    assert await emails.update(sending)

    found = await emails.get("m-1")
    assert found is not None
    assert (found.state, found.masked_text, found.to) == (EmailState.SENT, "", "")
    assert found.erased_at == T0 + timedelta(seconds=5)
    # The sender's copy says so too (an abandoned one is then not parked).
    assert (sending.to, sending.erased_at) == ("", T0 + timedelta(seconds=5))


async def test_a_stale_copy_of_a_marked_email_is_still_refused(database: AsyncDatabase[Any]) -> None:
    emails, erasure = (
        MongoEmailRepository(database[COLLECTION]),
        MongoEmailErasure(database[COLLECTION], database[BUDGETS]),
    )
    sending = email("m-1")
    sending.start_sending(T0)
    await emails.add(sending)
    theirs = await emails.get("m-1")
    assert theirs is not None
    theirs.interrupted(T0 + timedelta(minutes=3))
    assert await emails.update(theirs)
    await erasure.mark_erase_when_done(ADA)

    sending.sent(T0 + timedelta(seconds=5), "250 ok")

    assert not await emails.update(sending)
    found = await emails.get("m-1")
    assert found is not None
    assert (found.state, found.to, found.erase_when_done) == (EmailState.RETRYING, "ada@example.fr", True)


async def test_a_final_write_of_an_email_not_marked_keeps_it(database: AsyncDatabase[Any]) -> None:
    emails = MongoEmailRepository(database[COLLECTION])
    sending = email("m-1")
    sending.start_sending(T0)
    await emails.add(sending)
    sending.failed(T0 + timedelta(seconds=5), "550 5.1.1 unknown", permanent=True)

    assert await emails.update(sending)

    found = await emails.get("m-1")
    assert found is not None
    assert (found.masked_text, found.to, found.erased_at) == ("Bonjour Ada", "ada@example.fr", None)
    assert found == sending


async def test_an_email_erased_as_soon_as_done_is_written_erased(database: AsyncDatabase[Any]) -> None:
    emails = MongoEmailRepository(database[COLLECTION])
    last = email("last")
    last.erase_when_done = True
    last.start_sending(T0)
    await emails.add(last)
    last.sent(T0 + timedelta(seconds=1), "250 ok")

    assert await emails.update(last)

    found = await emails.get("last")
    assert found is not None
    assert (found.masked_text, found.to, found.erased_at) == ("", "", T0 + timedelta(seconds=1))


async def test_retention_erases_old_bodies_and_deletes_older_emails_done_only(database: AsyncDatabase[Any]) -> None:
    emails, retention = (
        MongoEmailRepository(database[COLLECTION]),
        MongoEmailErasure(database[COLLECTION], database[BUDGETS]),
    )
    now = T0 + 4 * YEAR
    for made in (
        sent(email("young", now - YEAR + timedelta(days=1))),
        sent(email("old", now - 2 * YEAR)),
        sent(email("ancient", now - 3 * YEAR - timedelta(days=1))),
        email("stuck", now - 4 * YEAR),
    ):
        await emails.add(made)

    assert await retention.delete(now - 3 * YEAR, 10) == 1
    assert await retention.erase_bodies(now - YEAR, 10) == 1
    assert await retention.erase_bodies(now - YEAR, 10) == 0

    remaining = {doc["_id"]: doc async for doc in database[COLLECTION].find({})}
    assert set(remaining) == {"young", "old", "stuck"}
    assert (remaining["old"]["masked_text"], remaining["old"]["to"]) == ("", "ada@example.fr")
    assert remaining["young"]["masked_text"] == remaining["stuck"]["masked_text"] == "Bonjour Ada"


async def test_a_done_emails_replies_lose_the_address_and_a_stale_copy_cannot_write_it_back(
    database: AsyncDatabase[Any],
) -> None:
    emails, erasure = (
        MongoEmailRepository(database[COLLECTION]),
        MongoEmailErasure(database[COLLECTION], database[BUDGETS]),
    )
    refused = email("m-1")
    refused.start_sending(T0)
    await emails.add(refused)
    refused.failed(T0, "550 5.1.1 <ADA@example.fr>: unknown", permanent=True)
    await emails.update(refused)
    stale = await emails.get("m-1")
    assert stale is not None

    assert await erasure.erase_done(ADA, T0) == 1

    found = await emails.get("m-1")
    assert found is not None
    assert found.attempts[-1].reply == "550 5.1.1 <<adresse effacée>>: unknown"
    assert found.history[-1].why == "550 5.1.1 <<adresse effacée>>: unknown"
    # An operator's requeue read before the erasure is refused by the version.
    stale.requeue(T0, by="ops")
    assert not await emails.update(stale)


async def test_the_budgets_of_an_address_are_forgotten(database: AsyncDatabase[Any]) -> None:
    limiter = MongoRateLimiter(database[BUDGETS], {Scope.RECIPIENT: 5}, timedelta(hours=1))
    erasure = MongoEmailErasure(database[COLLECTION], database[BUDGETS])
    for family, who in (("reset", "Ada@Example.fr"), ("other", "ada@example.fr"), ("other", "grace@example.fr")):
        await limiter.take(Budget(Scope.RECIPIENT, family, who), f"m-{family}-{who}", T0)

    assert await erasure.forget_budgets({b.key for b in budgets_to("ada@example.fr")}) == 2

    assert [doc["_id"] async for doc in database[BUDGETS].find({})] == ["recipient:other:grace@example.fr"]
