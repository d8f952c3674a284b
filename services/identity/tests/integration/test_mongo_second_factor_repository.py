"""Second factors and their sessions against the real MongoDB-wire store: the document round trip, the
version check, and the single uses (TOTP step, recovery code, sign count, challenge, session rotation)
under concurrent attempts."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from contracts.notification import SecondFactorChange, SecondFactorChangedEmailV1
from devstack.pytest_plugin import Infrastructure
from efp_runtime.message_context import MessageContext
from efp_runtime.mongo import create_mongo_client, ensure_indexes
from efp_runtime.outbox import OUTBOX_FIELD, OutboxMessage, OutboxRelay, Outgoing
from identity.adapters import (
    mongo_oidc_grant_repository,
    mongo_rate_limiter,
    mongo_second_factor_repository,
    mongo_session_repository,
)
from identity.adapters.mongo_oidc_grant_repository import MongoAuthorizationCodeRepository
from identity.adapters.mongo_rate_limiter import MongoRateLimiter
from identity.adapters.mongo_second_factor_repository import MongoSecondFactorRepository
from identity.adapters.mongo_session_repository import MongoSessionRepository
from identity.domain.errors import Conflict
from identity.domain.oidc import AuthorizationCode
from identity.domain.second_factor import Passkey, SecondFactors
from identity.domain.session import Challenge, Session

pytestmark = pytest.mark.integration
NOW = datetime.now(UTC).replace(microsecond=0)
CONCURRENT = 8
CONTEXT = MessageContext(message_id="m-1", correlation_id="c-1")


def notice(change: SecondFactorChange) -> list[OutboxMessage]:
    out = Outgoing("identity", CONTEXT)
    out.email("ada@example.fr", SecondFactorChangedEmailV1(change=change, changed_at=NOW), account_id="a-1")
    return out.messages


async def outbox(database: AsyncDatabase[dict[str, Any]]) -> list[str]:
    """The message ids waiting in a-1's outbox."""
    doc = await database[mongo_second_factor_repository.COLLECTION].find_one({"_id": "a-1"})
    return [m["message_id"] for m in (doc or {}).get(OUTBOX_FIELD, [])]


@pytest.fixture
async def database(infrastructure: Infrastructure) -> AsyncIterator[AsyncDatabase[dict[str, Any]]]:
    client = create_mongo_client(infrastructure.mongodb_url)
    database = client[f"{infrastructure.database_prefix}second_factor_{uuid.uuid4().hex[:8]}"]
    await ensure_indexes(
        database,
        [
            *mongo_second_factor_repository.INDEXES,
            *mongo_session_repository.INDEXES,
            *mongo_rate_limiter.INDEXES,
            *mongo_oidc_grant_repository.INDEXES,
        ],
    )
    yield database
    await client.drop_database(database.name)
    await client.close()


@pytest.fixture
def factors(database) -> MongoSecondFactorRepository:
    collection = database[mongo_second_factor_repository.COLLECTION]
    relay = OutboxRelay(None, [collection], 60)  # type: ignore[arg-type]  # never runs: nothing is published
    return MongoSecondFactorRepository(collection, relay)


@pytest.fixture
def sessions(database) -> MongoSessionRepository:
    collection = database[mongo_session_repository.COLLECTION]
    relay = OutboxRelay(None, [collection], 60)  # type: ignore[arg-type]  # never runs: nothing is published
    return MongoSessionRepository(collection, relay)


async def enrolled(factors: MongoSecondFactorRepository) -> SecondFactors:
    account = SecondFactors("a-1")
    account.start_totp("sealed-secret", NOW)
    account.activate_totp(100, NOW)
    account.add_passkey(Passkey("cred-1", b"\x00cose\xff", 3, "Clé USB", NOW))
    account.replace_recovery_codes(["h1", "h2"])
    account.start_registration(b"challenge", NOW)
    await factors.save(account, [])
    return account


async def test_the_factors_read_back_as_saved(factors) -> None:
    assert await factors.get("a-1") == SecondFactors("a-1")
    assert not await factors.enrolled("a-1")
    saved = await enrolled(factors)

    read = await factors.get("a-1")

    assert read == saved
    assert read.version == 1
    assert await factors.enrolled("a-1")


async def test_a_stale_save_is_a_conflict(factors) -> None:
    await enrolled(factors)
    first, second = await factors.get("a-1"), await factors.get("a-1")
    first.remove_passkey("cred-1")
    await factors.save(first, [])

    with pytest.raises(Conflict):
        await factors.save(second, [])
    with pytest.raises(Conflict):
        await factors.save(SecondFactors("a-1"), [])  # a second "first" document


async def test_a_totp_step_is_accepted_once_under_concurrent_uses(factors) -> None:
    await enrolled(factors)

    accepted = await asyncio.gather(*(factors.accept_totp_step("a-1", "sealed-secret", 101) for _ in range(CONCURRENT)))

    assert sorted(accepted) == [False] * (CONCURRENT - 1) + [True]
    assert not await factors.accept_totp_step("a-1", "sealed-secret", 100)
    assert not await factors.accept_totp_step("a-1", "another-secret", 102)
    assert await factors.accept_totp_step("a-1", "sealed-secret", 102)
    read = await factors.get("a-1")
    assert read.totp is not None
    assert read.totp.last_step == 102


async def test_a_use_bumps_the_version_so_a_stale_save_cannot_undo_it(factors) -> None:
    await enrolled(factors)
    stale = await factors.get("a-1")

    assert await factors.use_recovery_code("a-1", "h1", [])
    with pytest.raises(Conflict):
        await factors.save(stale, [])


async def test_a_recovery_code_is_used_once_under_concurrent_uses(factors) -> None:
    await enrolled(factors)

    used = await asyncio.gather(*(factors.use_recovery_code("a-1", "h1", []) for _ in range(CONCURRENT)))

    assert sorted(used) == [False] * (CONCURRENT - 1) + [True]
    assert (await factors.get("a-1")).recovery_code_hashes == ["h2"]


async def test_the_notices_are_stored_by_the_write_of_the_change_and_kept_until_published(factors, database) -> None:
    first = SecondFactors("a-1")
    first.start_totp("sealed-secret", NOW)
    first.activate_totp(100, NOW)
    enrolment = notice("totp_enrolled")
    await factors.save(first, enrolment)
    read = await factors.get("a-1")
    read.replace_recovery_codes(["h1", "h2"])
    regenerated = notice("recovery_codes_regenerated")
    await factors.save(read, regenerated)

    assert await outbox(database) == [m.message_id for m in enrolment + regenerated]
    assert await factors.get("a-1") == read  # the outbox is not part of the aggregate


async def test_only_the_use_that_spends_a_recovery_code_stores_its_notice(factors, database) -> None:
    await enrolled(factors)
    notices = [notice("recovery_code_used") for _ in range(CONCURRENT)]

    used = await asyncio.gather(*(factors.use_recovery_code("a-1", "h1", n) for n in notices))

    [winner] = [n for n, ok in zip(notices, used, strict=True) if ok]
    assert await outbox(database) == [winner[0].message_id]


async def test_the_sign_count_moves_only_from_the_count_verified_against(factors) -> None:
    await enrolled(factors)
    later = NOW + timedelta(minutes=1)

    moved = await asyncio.gather(*(factors.passkey_used("a-1", "cred-1", 3, 4, later) for _ in range(CONCURRENT)))

    assert sorted(moved) == [False] * (CONCURRENT - 1) + [True]
    [passkey] = (await factors.get("a-1")).passkeys
    assert (passkey.sign_count, passkey.last_used_at) == (4, later)


async def test_the_session_keeps_its_second_factor_fields(sessions) -> None:
    pending = Session("s-1", "a-1", "csrf", NOW, NOW, ip="192.0.2.1", pending_second_factor=True)
    await sessions.add(pending, [])

    read = await sessions.get("s-1")

    assert read == pending
    assert read is not None
    assert read.expires_at == NOW + timedelta(minutes=5)


async def test_a_challenge_is_taken_once_under_concurrent_takes(sessions) -> None:
    await sessions.add(Session("s-1", "a-1", "csrf", NOW, NOW, pending_second_factor=True), [])
    await sessions.keep_challenge("s-1", Challenge(b"\x01challenge", NOW + timedelta(minutes=5)))

    taken = await asyncio.gather(*(sessions.take_challenge("s-1") for _ in range(CONCURRENT)))

    assert [t for t in taken if t is not None] == [Challenge(b"\x01challenge", NOW + timedelta(minutes=5))]


async def test_wrong_codes_are_counted_on_the_session(sessions) -> None:
    await sessions.add(Session("s-1", "a-1", "csrf", NOW, NOW, pending_second_factor=True), [])

    counts = await asyncio.gather(*(sessions.count_wrong_code("s-1") for _ in range(5)))

    assert sorted(counts) == [1, 2, 3, 4, 5]


async def test_a_pending_session_is_replaced_once_under_concurrent_second_steps(sessions, database) -> None:
    pending = Session("s-1", "a-1", "csrf", NOW, NOW, pending_second_factor=True)
    await sessions.add(pending, [])
    later = NOW + timedelta(minutes=1)
    successors = [pending.successor(f"s-new-{i}", "csrf2", "otp", later) for i in range(CONCURRENT)]

    replaced = await asyncio.gather(*(sessions.replace("s-1", s, later) for s in successors))

    assert sorted(replaced) == [False] * (CONCURRENT - 1) + [True]
    assert await database[mongo_session_repository.COLLECTION].count_documents({"revoked_at": None}) == 1
    [winner] = [s for s, won in zip(successors, replaced, strict=True) if won]
    read = await sessions.get(winner.id)
    assert read is not None
    assert (read.amr, read.second_factor_at, read.created_at, read.pending_second_factor) == (
        ["pwd", "otp", "mfa"], later, NOW, False,
    )  # fmt: skip
    assert (await sessions.get("s-1")).revoked_at == later  # type: ignore[union-attr]


async def test_a_step_up_moves_the_relying_parties_to_the_new_session(sessions) -> None:
    full = Session("s-1", "a-1", "csrf", NOW, NOW)
    await sessions.add(full, [])
    await sessions.attach_client("s-1", "ceres")

    await sessions.replace("s-1", full.successor("s-2", "csrf2", "hwk", NOW), NOW)

    assert await sessions.ended_with_clients(NOW, 10) == []  # the old one tells nobody
    await sessions.revoke("s-2", NOW)
    # The relying party is told with the login's first session id, whose `sid` it knows.
    assert await sessions.ended_with_clients(NOW, 10) == [("s-2", "a-1", ["ceres"], 0, "s-1")]
    old = await sessions.get("s-1")
    assert old is not None
    assert old.replaced_by == "s-2"


async def test_the_session_records_a_factor_proved_in_place(sessions) -> None:
    await sessions.add(Session("s-1", "a-1", "csrf", NOW, NOW), [])

    await sessions.prove_second_factor("s-1", ["pwd", "otp", "mfa"], NOW)

    read = await sessions.get("s-1")
    assert read is not None
    assert (read.amr, read.second_factor_at) == (["pwd", "otp", "mfa"], NOW)


async def test_a_failure_budget_is_checked_without_counting(database) -> None:
    limiter = MongoRateLimiter(database[mongo_rate_limiter.COLLECTION])
    window = timedelta(minutes=15)

    assert await limiter.exhausted("k", 2, window) is None
    await limiter.hit("k", 2, window)
    assert await limiter.exhausted("k", 2, window) is None
    await limiter.hit("k", 2, window)
    retry_after = await limiter.exhausted("k", 2, window)

    assert retry_after is not None
    assert 0 < retry_after <= 15 * 60 + 1


async def test_a_code_remembers_the_amr_and_the_login_it_was_issued_for(database) -> None:
    codes = MongoAuthorizationCodeRepository(database[mongo_oidc_grant_repository.CODES])
    code = AuthorizationCode(
        id="c-1", client_id="ceres", account_id="a-1", session_id="s-2", redirect_uri="https://c/cb",
        scope=("openid",), nonce=None, code_challenge="x" * 43, auth_time=NOW, created_at=NOW,
        amr=("pwd", "hwk", "mfa"), sso_id="s-1",
    )  # fmt: skip
    await codes.add(code)

    redeemed, first = await codes.redeem("c-1", "ceres", NOW)

    assert first
    assert redeemed is not None
    assert (redeemed.amr, redeemed.sso_id) == (("pwd", "hwk", "mfa"), "s-1")
