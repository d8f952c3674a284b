"""A change of address against the real MongoDB-wire store: the pending change's round trip on the
account document, its removal, the unique index refusing a taken address, and the sessions' export."""

import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from contracts.privacy import StartEmailChangeV1, VerifyEmailChangeV1
from devstack.pytest_plugin import Infrastructure
from efp_runtime.message_context import MessageContext
from efp_runtime.mongo import create_mongo_client, ensure_indexes
from efp_runtime.outbox import OUTBOX_FIELD, OutboxRelay
from identity.adapters import mongo_account_repository, mongo_session_repository
from identity.adapters.hmac_secret_hasher import HmacSecretHasher
from identity.adapters.mongo_account_repository import MongoAccountRepository
from identity.adapters.mongo_session_repository import MongoSessionRepository
from identity.domain.account import Account, AccountKind
from identity.domain.email_change import PendingEmailChange
from identity.domain.errors import AccountExists
from identity.domain.session import Session, session_id_of
from identity.fakes import KEY, FakeLoginFailureLog, FakePasswordHasher, FakeRateLimiter
from identity.use_cases.email_change.start_email_change import StartEmailChange
from identity.use_cases.email_change.verify_email_change import VerifyEmailChange

pytestmark = pytest.mark.integration
NOW = datetime.now(UTC).replace(microsecond=0)


def account(account_id: str, email: str) -> Account:
    return Account.open(
        id=account_id, email=email, kind=AccountKind.USER, password_hash="hashed2:pw", civility="madame",
        last_name="Lovelace", first_name="Ada", created_at=NOW,
    )  # fmt: skip


@pytest.fixture
async def database(infrastructure: Infrastructure) -> AsyncIterator[AsyncDatabase[dict[str, Any]]]:
    client = create_mongo_client(infrastructure.mongodb_url)
    database = client[f"{infrastructure.database_prefix}email_change_{uuid.uuid4().hex[:8]}"]
    await ensure_indexes(database, [*mongo_account_repository.INDEXES, *mongo_session_repository.INDEXES])
    yield database
    await client.drop_database(database.name)
    await client.close()


@pytest.fixture
def accounts(database: AsyncDatabase[dict[str, Any]]) -> MongoAccountRepository:
    collection = database[mongo_account_repository.COLLECTION]
    relay = OutboxRelay(None, [collection], 60)  # type: ignore[arg-type]  # never runs: nothing is published
    return MongoAccountRepository(collection, relay)


async def test_the_pending_change_round_trips_on_the_account_and_goes_at_use(accounts: MongoAccountRepository) -> None:
    ada = account("a-1", "ada@example.fr")
    await accounts.add(ada, [])
    ada.pending_email_change = PendingEmailChange.start("chg-1", "jeanne@exemple.fr", "hash-of-code", NOW)
    ada.pending_email_change.wrong_codes = 2
    await accounts.update(ada, [])

    stored = await accounts.get("a-1")
    assert stored is not None
    assert stored.pending_email_change == PendingEmailChange(
        "chg-1", "jeanne@exemple.fr", "hash-of-code", NOW, NOW + timedelta(minutes=30), NOW + timedelta(seconds=60), 2
    )

    stored.change_email(NOW)
    await accounts.update(stored, [])
    changed = await accounts.get("a-1")
    assert changed is not None
    assert (changed.email, changed.pending_email_change) == ("jeanne@exemple.fr", None)
    assert await accounts.by_email("jeanne@exemple.fr") is not None
    assert await accounts.by_email("ada@example.fr") is None


async def test_the_sweep_removes_only_expired_changes(accounts: MongoAccountRepository) -> None:
    for n, started in enumerate([NOW - timedelta(minutes=31), NOW - timedelta(minutes=10)]):
        other = account(f"a-{n}", f"person{n}@example.fr")
        await accounts.add(other, [])
        other.pending_email_change = PendingEmailChange.start(f"chg-{n}", f"new{n}@exemple.fr", "h", started)
        await accounts.update(other, [])
    await accounts.add(account("a-9", "none@example.fr"), [])

    assert await accounts.forget_expired_email_changes(NOW) == 1

    expired, current = await accounts.get("a-0"), await accounts.get("a-1")
    assert expired is not None
    assert expired.pending_email_change is None
    assert expired.version == 3
    assert current is not None
    assert current.pending_email_change is not None


async def test_the_unique_index_refuses_an_address_another_account_has(accounts: MongoAccountRepository) -> None:
    await accounts.add(account("a-2", "jeanne@exemple.fr"), [])
    ada = account("a-1", "ada@example.fr")
    await accounts.add(ada, [])
    ada.pending_email_change = PendingEmailChange.start("chg-1", "jeanne@exemple.fr", "h", NOW)
    ada.change_email(NOW)

    with pytest.raises(AccountExists):
        await accounts.update(ada, [])

    stored = await accounts.get("a-1")
    assert stored is not None
    assert stored.email == "ada@example.fr"


async def test_every_session_of_an_account_with_its_relying_parties(database: AsyncDatabase[dict[str, Any]]) -> None:
    collection = database[mongo_session_repository.COLLECTION]
    sessions = MongoSessionRepository(collection, OutboxRelay(None, [collection], 60))  # type: ignore[arg-type]
    await sessions.add(Session("s-1", "a-1", "csrf", NOW - timedelta(hours=1), NOW, ip="192.0.2.1"), [])
    await sessions.add(Session("s-2", "a-1", "csrf", NOW, NOW), [])
    await sessions.add(Session("s-3", "a-2", "csrf", NOW, NOW), [])
    await sessions.signed_in("s-1", "ceres")
    await sessions.attach_client("s-1", "ceres")
    await sessions.attach_client("s-1", "other")
    await sessions.revoke("s-1", NOW)
    await sessions.clients_told("s-1", ["ceres", "other"], None)

    newest, oldest = await sessions.of_account("a-1")

    assert (newest.session.id, newest.client_ids) == ("s-2", ())
    # `other` was told of the logout before it was remembered as a sign-in: only `signed_in` keeps one.
    assert (oldest.session.id, oldest.session.revoked_at, oldest.session.ip, oldest.client_ids) == (
        "s-1",
        NOW,
        "192.0.2.1",
        ("ceres",),
    )


async def test_a_change_of_address_from_start_to_verification_on_the_store(
    database: AsyncDatabase[dict[str, Any]], accounts: MongoAccountRepository
) -> None:
    collection = database[mongo_session_repository.COLLECTION]
    sessions = MongoSessionRepository(collection, OutboxRelay(None, [collection], 60))  # type: ignore[arg-type]
    hasher, failures, clock = HmacSecretHasher(KEY), FakeLoginFailureLog(), lambda: NOW
    await accounts.add(account("a-1", "ada@example.fr"), [])
    await sessions.add(Session(session_id_of("here"), "a-1", "csrf", NOW, NOW), [])
    await sessions.add(Session("elsewhere", "a-1", "csrf", NOW, NOW), [])
    start = StartEmailChange(accounts, sessions, FakePasswordHasher(), hasher, FakeRateLimiter(), failures, (), clock)
    verify = VerifyEmailChange(accounts, sessions, hasher, failures, clock)
    context = MessageContext(message_id="m-1", correlation_id="c-1")

    await start(StartEmailChangeV1(session_token="here", new_email="jeanne@exemple.fr", password="pw"), context)
    stored = await database[mongo_account_repository.COLLECTION].find_one({"_id": "a-1"})
    assert stored is not None
    [code_email] = stored[OUTBOX_FIELD]
    code = json.loads(code_email["body"])["content"]["code"]
    assert stored["pending_email_change"]["new_email"] == "jeanne@exemple.fr"
    assert code not in json.dumps(stored["pending_email_change"], default=str)

    profile = await verify(VerifyEmailChangeV1(session_token="here", code=code), context)

    assert profile.email == "jeanne@exemple.fr"
    stored = await database[mongo_account_repository.COLLECTION].find_one({"_id": "a-1"})
    assert stored is not None
    assert (stored["email"], stored["pending_email_change"]) == ("jeanne@exemple.fr", None)
    types = [m["type"] for m in stored[OUTBOX_FIELD]]
    assert types[-2:] == ["identity.account.email_changed.v1", "notification.email.send.v1"]
    assert (await sessions.get("elsewhere")).revoked_at == NOW  # type: ignore[union-attr]
    assert (await sessions.get(session_id_of("here"))).revoked_at is None  # type: ignore[union-attr]
