"""An account's deletion against the real MongoDB-wire store: after it, no identity collection holds a
document naming the person (the tombstone's outbox aside, until published), the address is free again;
and an existing database converges to this version's indexes and retention fields."""

import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from contracts.privacy import DeleteAccountV1
from devstack.pytest_plugin import Infrastructure
from efp_runtime.message_context import MessageContext
from efp_runtime.mongo import create_mongo_client, ensure_indexes
from efp_runtime.outbox import OUTBOX_FIELD, OutboxRelay
from identity.adapters import (
    mongo_account_lifecycle,
    mongo_account_repository,
    mongo_login_failure_log,
    mongo_oidc_grant_repository,
    mongo_password_reset_repository,
    mongo_rate_limiter,
    mongo_registration_repository,
    mongo_second_factor_repository,
    mongo_session_repository,
)
from identity.adapters.mongo_account_lifecycle import MongoAccountLifecycle
from identity.adapters.mongo_account_repository import MongoAccountRepository
from identity.adapters.mongo_login_failure_log import MongoLoginFailureLog
from identity.adapters.mongo_password_reset_repository import MongoPasswordResetRepository
from identity.adapters.mongo_personal_traces import MongoPersonalTraces
from identity.adapters.mongo_rate_limiter import MongoRateLimiter
from identity.adapters.mongo_registration_repository import MongoRegistrationRepository
from identity.adapters.mongo_retention import backfill_forget_at, converge_indexes
from identity.adapters.mongo_second_factor_repository import MongoSecondFactorRepository
from identity.adapters.mongo_session_repository import MongoSessionRepository
from identity.domain.frontend_links import FrontendLinks
from identity.domain.password_reset import PasswordReset
from identity.domain.privacy import INACTIVE_AFTER, NOTICE, REWARN_AFTER, InactivityRules
from identity.domain.registration import Registration
from identity.domain.second_factor import SecondFactors
from identity.domain.session import Session, session_id_of
from identity.fakes import FakePasswordHasher, ada
from identity.fakes.privacy import FakeDeletionBlockers
from identity.use_cases.privacy.delete_account import DeleteAccount
from identity.use_cases.privacy.erase_account import EraseAccount, FinishErasures
from identity.use_cases.privacy.sweep_inactive_accounts import SweepInactiveAccounts

pytestmark = pytest.mark.integration
NOW = datetime.now(UTC).replace(microsecond=0)
EMAIL = "ada@example.fr"
PASSWORD = "Ancien-Mot-de-Passe-1"
TOKEN = "token-of-the-browser"
INDEXES = [
    *mongo_account_repository.INDEXES,
    *mongo_account_lifecycle.INDEXES,
    *mongo_session_repository.INDEXES,
    *mongo_second_factor_repository.INDEXES,
    *mongo_password_reset_repository.INDEXES,
    *mongo_registration_repository.INDEXES,
    *mongo_login_failure_log.INDEXES,
    *mongo_rate_limiter.INDEXES,
    *mongo_oidc_grant_repository.INDEXES,
]


@pytest.fixture
async def database(infrastructure: Infrastructure) -> AsyncIterator[AsyncDatabase[dict[str, Any]]]:
    client = create_mongo_client(infrastructure.mongodb_url)
    database = client[f"{infrastructure.database_prefix}deletion_{uuid.uuid4().hex[:8]}"]
    await ensure_indexes(database, INDEXES)
    yield database
    await client.drop_database(database.name)
    await client.close()


def relay() -> OutboxRelay:
    return OutboxRelay(None, [], 60)  # type: ignore[arg-type]  # never runs: nothing is published


class World:
    def __init__(self, database: AsyncDatabase[dict[str, Any]]) -> None:
        r = relay()
        self.db = database
        self.accounts = MongoAccountRepository(database[mongo_account_repository.COLLECTION], r)
        self.sessions = MongoSessionRepository(database[mongo_session_repository.COLLECTION], r)
        self.factors = MongoSecondFactorRepository(database[mongo_second_factor_repository.COLLECTION], r)
        self.resets = MongoPasswordResetRepository(database[mongo_password_reset_repository.COLLECTION], r)
        self.registrations = MongoRegistrationRepository(database[mongo_registration_repository.COLLECTION], r)
        self.failures = MongoLoginFailureLog(database[mongo_login_failure_log.COLLECTION])
        self.limiter = MongoRateLimiter(database[mongo_rate_limiter.COLLECTION])
        self.lifecycle = MongoAccountLifecycle(database[mongo_account_repository.COLLECTION], r)
        self.blockers = FakeDeletionBlockers()
        self.now = NOW
        erase = EraseAccount(self.sessions, self.lifecycle, MongoPersonalTraces(database))
        self.finish = FinishErasures(self.lifecycle, erase, lambda: self.now)
        self.sweep = SweepInactiveAccounts(
            self.accounts,
            self.lifecycle,
            self.blockers,
            erase,
            FrontendLinks("https://efpconnect.example.fr"),
            lambda: self.now,
            InactivityRules(),
        )
        self.delete = DeleteAccount(
            self.sessions,
            self.accounts,
            FakePasswordHasher(),
            self.limiter,
            self.factors,
            self.blockers,
            erase,
            lambda: NOW,
        )

    async def person_everywhere(self, account_id: str = "a-1", token: str = TOKEN) -> None:
        """An account with a trace in every collection that can hold one."""
        await self.accounts.add(
            ada(id=account_id, created_at=NOW, password_hash=f"hashed2:{PASSWORD}", phone="0600000000"), []
        )
        await self.lifecycle.record_login(account_id, NOW)
        await self.sessions.add(Session(session_id_of(token), account_id, "csrf", NOW, NOW, ip="203.0.113.7"), [])
        await self.factors.save(SecondFactors(account_id, recovery_code_hashes=["h"]), [])
        await self.resets.add(PasswordReset.request(f"pr-{account_id}", EMAIL, account_id, "123456", "h", NOW), [])
        await self.registrations.add(Registration.start(f"r-{account_id}", EMAIL, "111111", "h", NOW), [])
        await self.failures.record(EMAIL, NOW)
        await self.limiter.hit(f"login-address:{EMAIL}", 10, timedelta(minutes=5))
        await self.limiter.hit(f"codes:signup:{EMAIL}", 10, timedelta(minutes=5))
        for name in (mongo_oidc_grant_repository.CODES, mongo_oidc_grant_repository.TOKENS):
            await self.db[name].insert_one(
                {"_id": f"{name}-{account_id}", "account_id": account_id, "delete_at": NOW + timedelta(days=1)}
            )

    async def documents_naming(self, *needles: str) -> list[tuple[str, dict[str, Any]]]:
        found = []
        for name in await self.db.list_collection_names():
            async for doc in self.db[name].find({}, {OUTBOX_FIELD: 0}):
                text = json.dumps(doc, default=str)
                if any(needle in text for needle in needles):
                    found.append((name, doc))
        return found


async def test_after_a_deletion_no_collection_names_the_person(database: AsyncDatabase[dict[str, Any]]) -> None:
    world = World(database)
    await world.person_everywhere()
    assert len(await world.documents_naming(EMAIL)) >= 5

    await world.delete(DeleteAccountV1(session_token=TOKEN, password=PASSWORD), MessageContext.fresh())

    assert await world.documents_naming(EMAIL, "Lovelace", "0600000000", "203.0.113.7") == []
    tombstone = await database[mongo_account_repository.COLLECTION].find_one({"_id": "a-1"})
    assert tombstone is not None
    assert set(tombstone) == {"_id", "version", OUTBOX_FIELD, "state", "deleted_at", "reason", "erased"}
    assert (tombstone["state"], tombstone["reason"], tombstone["erased"]) == ("deleted", "requested", True)
    assert [m["type"] for m in tombstone[OUTBOX_FIELD]] == ["identity.account.deleted.v1", "notification.email.send.v1"]
    session = await world.sessions.get(session_id_of(TOKEN))
    assert session is not None
    assert session.revoked_at == NOW
    assert session.ip is None
    # Kept six months after it ended, then the TTL index on `forget_at` deletes it.
    stored = await database[mongo_session_repository.COLLECTION].find_one({"_id": session_id_of(TOKEN)})
    assert stored["forget_at"] == NOW + mongo_session_repository.RETENTION  # type: ignore[index]
    assert await world.accounts.get("a-1") is None


async def test_the_address_signs_up_again_and_two_tombstones_do_not_collide(
    database: AsyncDatabase[dict[str, Any]],
) -> None:
    world = World(database)
    await world.person_everywhere("a-1", "token-1")
    await world.delete(DeleteAccountV1(session_token="token-1", password=PASSWORD), MessageContext.fresh())
    await world.person_everywhere("a-2", "token-2")
    assert (await world.accounts.by_email(EMAIL)).id == "a-2"  # type: ignore[union-attr]
    await world.delete(DeleteAccountV1(session_token="token-2", password=PASSWORD), MessageContext.fresh())
    assert await world.accounts.by_email(EMAIL) is None
    assert await database[mongo_account_repository.COLLECTION].count_documents({"state": "deleted"}) == 2


async def test_an_existing_database_converges_to_the_new_indexes(
    infrastructure: Infrastructure, caplog: pytest.LogCaptureFixture
) -> None:
    client = create_mongo_client(infrastructure.mongodb_url)
    database = client[f"{infrastructure.database_prefix}converge_{uuid.uuid4().hex[:8]}"]
    try:
        # As the previous version left it: a one-day TTL on the sessions' end, a non-sparse unique e-mail.
        sessions = database[mongo_session_repository.COLLECTION]
        await sessions.create_index([("expires_at", 1)], expireAfterSeconds=24 * 3600)
        await database[mongo_account_repository.COLLECTION].create_index([("email", 1)], unique=True)
        await sessions.insert_one({"_id": "old", "account_id": "a-1", "expires_at": NOW})
        await database[mongo_registration_repository.COLLECTION].insert_one({"_id": "r-old", "state": "completed"})

        for _ in range(2):  # idempotent
            await converge_indexes(database, INDEXES)
            await ensure_indexes(database, INDEXES)
            await backfill_forget_at(database, NOW, timedelta(days=183))

        caplog.clear()
        with caplog.at_level("INFO", logger="identity.adapters.mongo_retention"):
            await converge_indexes(database, INDEXES)
        assert caplog.records == []  # a converged database loses no index at the next start
        session_indexes = await sessions.index_information()
        assert [i["key"] for i in session_indexes.values() if i.get("expireAfterSeconds") is not None] == [
            [("forget_at", 1)]
        ]
        email = (await database[mongo_account_repository.COLLECTION].index_information())["email_1"]
        assert email.get("unique")
        assert email.get("sparse")
        assert (await sessions.find_one({"_id": "old"}))["forget_at"] == NOW + timedelta(days=183)  # type: ignore[index]
        registration = await database[mongo_registration_repository.COLLECTION].find_one({"_id": "r-old"})
        assert registration["forget_at"] == NOW + timedelta(days=1)  # type: ignore[index]
    finally:
        await client.drop_database(database.name)
        await client.close()


async def test_the_inactivity_sweep_reads_the_store_s_ranges(database: AsyncDatabase[dict[str, Any]]) -> None:
    world = World(database)
    day = timedelta(days=1)
    # Never logged in (created long ago), logged in long ago, logged in lately, last manager.
    await world.accounts.add(ada(id="never", email="never@example.fr", created_at=NOW - INACTIVE_AFTER - day), [])
    await world.accounts.add(ada(id="old", email="old@example.fr", created_at=NOW - 2 * INACTIVE_AFTER), [])
    await world.lifecycle.record_login("old", NOW - INACTIVE_AFTER - day)
    await world.accounts.add(ada(id="recent", email="recent@example.fr", created_at=NOW - 2 * INACTIVE_AFTER), [])
    await world.lifecycle.record_login("recent", NOW - day)
    await world.accounts.add(ada(id="boss", email="boss@example.fr", created_at=NOW - INACTIVE_AFTER - day), [])
    world.blockers.blocking["boss"] = [("130025265", "DREETS Occitanie")]
    accounts = database[mongo_account_repository.COLLECTION]

    assert await world.sweep() == 3
    assert await world.sweep() == 0
    warned = {doc["_id"] async for doc in accounts.find({"inactivity_warned_at": {"$ne": None}})}
    assert warned == {"never", "old", "boss"}
    await world.lifecycle.record_login("old", NOW + day)  # « old » comes back

    world.now = NOW + NOTICE + day
    assert await world.sweep() == 2  # « never » deleted, « boss » snoozed
    assert await world.finish() == 0
    assert {doc["_id"]: doc.get("state") async for doc in accounts.find({})} == {
        "never": "deleted",
        "old": None,
        "recent": None,
        "boss": None,
    }
    boss = await accounts.find_one({"_id": "boss"})
    assert boss is not None
    assert "inactivity_warned_at" not in boss
    assert boss["inactivity_rewarn_at"] == world.now + REWARN_AFTER
    world.now += REWARN_AFTER + day
    assert await world.sweep() == 1  # « boss » warned again
