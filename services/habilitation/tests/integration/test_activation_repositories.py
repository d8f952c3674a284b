"""The activation adapters against the real MongoDB-wire store, and one activation through them end to end."""

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from contracts import activation as a
from contracts.activation import ActivationCodeIssuedV1
from devstack.pytest_plugin import Infrastructure
from efp_runtime.aggregate_store import AggregateStore
from efp_runtime.clock import ManualClock
from efp_runtime.mongo import create_mongo_client, ensure_indexes
from efp_runtime.outbox import OUTBOX_FIELD, Outgoing
from habilitation.adapters import (
    mongo_activation_attempts,
    mongo_activation_code_repository,
    mongo_activation_letters,
    mongo_activation_repository,
    mongo_manager_right_repository,
)
from habilitation.adapters.fpdf_activation_letter import FpdfActivationLetter
from habilitation.adapters.hmac_code_hasher import HmacCodeHasher
from habilitation.adapters.mongo_activation_attempts import MongoActivationAttempts
from habilitation.adapters.mongo_activation_code_repository import MongoActivationCodeRepository
from habilitation.adapters.mongo_activation_letters import MongoActivationLetters
from habilitation.adapters.mongo_activation_repository import MongoActivationRepository
from habilitation.adapters.mongo_manager_right_repository import MongoManagerRightRepository
from habilitation.adapters.package_charter_text import PackageCharterText
from habilitation.domain.activation import Activation
from habilitation.domain.activation_code import WRONG_CODES_WINDOW, CodeState
from habilitation.domain.errors import Conflict
from habilitation.domain.second_factor import SecondFactorPolicy
from habilitation.fakes.people import FakeAccounts, FakeDirectory
from habilitation.use_cases.activation.accept_charter import AcceptCharter
from habilitation.use_cases.activation.get_activation_letter import GetActivationLetter
from habilitation.use_cases.activation.issue_activation_code import IssueActivationCode
from habilitation.use_cases.activation.start_activation import StartActivation
from habilitation.use_cases.messages import PRODUCER
from services.habilitation.tests.unit.activation.samples import (
    AGENT,
    CONTEXT,
    ESTABLISHMENT,
    LINKS,
    SIREN,
    SIRET,
    T0,
    USER,
    account,
    issued_code,
)

pytestmark = pytest.mark.integration

INDEXES = [
    *mongo_activation_code_repository.INDEXES,
    *mongo_activation_repository.INDEXES,
    *mongo_activation_attempts.INDEXES,
    *mongo_activation_letters.INDEXES,
    *mongo_manager_right_repository.INDEXES,
]


@pytest.fixture
async def database(infrastructure: Infrastructure) -> AsyncIterator[AsyncDatabase[dict[str, Any]]]:
    client = create_mongo_client(infrastructure.mongodb_url)
    database = client[f"{infrastructure.database_prefix}activation_{uuid.uuid4().hex[:8]}"]
    await ensure_indexes(database, INDEXES)
    yield database
    await client.drop_database(database.name)
    await client.close()


@pytest.fixture
def codes(database: AsyncDatabase[dict[str, Any]]) -> MongoActivationCodeRepository:
    return MongoActivationCodeRepository(AggregateStore(database[mongo_activation_code_repository.COLLECTION], None))


async def test_a_code_round_trips_with_its_history_and_outbox(
    codes: MongoActivationCodeRepository, database: AsyncDatabase[dict[str, Any]]
) -> None:
    code = issued_code()
    code.revoke("agent-2", T0, "Courrier égaré")
    outgoing = Outgoing(PRODUCER, CONTEXT)
    outgoing.event(_issued_event())

    await codes.add(code, outgoing.messages)

    found = await codes.get("code-1")
    assert found is not None
    assert found.state is CodeState.REVOKED
    assert found.version == 1
    assert found.history == code.history
    assert (found.revoked_by, found.revocation_reason) == ("agent-2", "Courrier égaré")
    assert found.issued_at == code.issued_at
    assert found.expires_at == code.expires_at
    raw = await database[mongo_activation_code_repository.COLLECTION].find_one({"_id": "code-1"})
    assert raw is not None
    assert len(raw[OUTBOX_FIELD]) == 1


async def test_a_code_is_found_by_its_hash(codes: MongoActivationCodeRepository) -> None:
    code = issued_code()
    await codes.add(code, [])

    assert (await codes.find(code.code_hash)) is not None
    assert (await codes.find("other-hash")) is None


async def test_two_codes_with_one_hash_cannot_exist(codes: MongoActivationCodeRepository) -> None:
    await codes.add(issued_code("code-1"), [])

    with pytest.raises(Conflict):
        await codes.add(issued_code("code-2"), [])


async def test_a_stale_update_is_a_conflict(codes: MongoActivationCodeRepository) -> None:
    await codes.add(issued_code(), [])
    first, second = await codes.get("code-1"), await codes.get("code-1")
    assert first is not None
    assert second is not None
    first.redeem("user-1", "act-1", T0)
    await codes.update(first, [])
    second.revoke("agent-1", T0, None)

    with pytest.raises(Conflict):
        await codes.update(second, [])

    stored = await codes.get("code-1")
    assert stored is not None
    assert stored.state is CodeState.REDEEMED
    assert stored.version == 2


async def test_listing_by_siret_pair_and_due_date(codes: MongoActivationCodeRepository) -> None:
    old = issued_code("old", plain="AAAA22223333", expires_at=T0 - timedelta(days=1))
    old.issued_at = T0 - timedelta(days=200)
    new = issued_code("new", plain="BBBB22223333")
    used = issued_code("used", plain="CCCC22223333", state=CodeState.REDEEMED)
    used.issued_at = T0 - timedelta(days=100)
    for code in (old, new, used):
        await codes.add(code, [])

    assert [c.id for c in await codes.of_siret(SIRET)] == ["new", "used", "old"]
    assert sorted(c.id for c in await codes.issued_for("ceres", SIRET)) == ["new", "old"]
    assert [c.id for c in await codes.due(T0, 10)] == ["old"]


async def test_activations_round_trip_and_refuse_stale_updates(database: AsyncDatabase[dict[str, Any]]) -> None:
    activations = MongoActivationRepository(AggregateStore(database[mongo_activation_repository.COLLECTION], None))
    activation = Activation.start(
        id="act-1",
        account_id="user-1",
        activation_code_id="code-1",
        service="ceres",
        siret=SIRET,
        siren=SIREN,
        charter_version="2024-11",
        started_at=T0,
        organisation_name="Centre Émeraude",
    )
    await activations.add(activation)
    stale = await activations.get("act-1")
    activation.accept_charter("user-1", T0 + timedelta(minutes=1))
    await activations.update(activation)

    found = await activations.get("act-1")
    assert found is not None
    assert found.completed
    assert found.history == activation.history
    assert stale is not None
    stale.accept_charter("user-1", T0)
    with pytest.raises(Conflict):
        await activations.update(stale)


async def test_wrong_tries_are_counted_per_key_and_window(database: AsyncDatabase[dict[str, Any]]) -> None:
    attempts = MongoActivationAttempts(database[mongo_activation_attempts.COLLECTION])
    # In the future: the store's TTL monitor deletes by its own clock a counter whose window has passed.
    now = datetime(2099, 3, 10, 9, 20, tzinfo=UTC)

    assert await attempts.failures("a", WRONG_CODES_WINDOW, now) == (0, datetime(2099, 3, 10, 10, tzinfo=UTC))
    assert await attempts.record_failure("a", WRONG_CODES_WINDOW, now) == 1
    assert await attempts.record_failure("a", WRONG_CODES_WINDOW, now + timedelta(minutes=5)) == 2
    assert (await attempts.failures("a", WRONG_CODES_WINDOW, now))[0] == 2
    assert (await attempts.failures("b", WRONG_CODES_WINDOW, now))[0] == 0
    assert (await attempts.failures("a", WRONG_CODES_WINDOW, now + timedelta(hours=1)))[0] == 0
    raw = await database[mongo_activation_attempts.COLLECTION].find_one({})
    assert raw is not None
    assert raw["expires_at"] == datetime(2099, 3, 10, 10, tzinfo=UTC)


async def test_a_letter_is_taken_once_by_its_agent_before_it_expires(
    database: AsyncDatabase[dict[str, Any]],
) -> None:
    letters = MongoActivationLetters(database[mongo_activation_letters.COLLECTION])
    # Real time: the store's TTL monitor (every second) deletes a letter whose expiry is past by its clock.
    now = datetime.now(UTC)
    await letters.keep("code-1", "agent-1", b"%PDF-1", now + timedelta(minutes=10))
    await letters.keep("code-2", "agent-1", b"%PDF-2", now + timedelta(minutes=10))

    assert await letters.take("code-1", "agent-2", now) is None
    assert await letters.take("code-1", "agent-1", now) == b"%PDF-1"
    assert await letters.take("code-1", "agent-1", now) is None
    assert await letters.take("code-2", "agent-1", now + timedelta(minutes=10)) is None
    indexes = await database[mongo_activation_letters.COLLECTION].index_information()
    assert any(spec.get("expireAfterSeconds") == 0 for spec in indexes.values())


async def test_an_activation_from_issuance_to_manager_right(database: AsyncDatabase[dict[str, Any]]) -> None:
    codes = MongoActivationCodeRepository(AggregateStore(database[mongo_activation_code_repository.COLLECTION], None))
    activations = MongoActivationRepository(AggregateStore(database[mongo_activation_repository.COLLECTION], None))
    rights = MongoManagerRightRepository(AggregateStore(database[mongo_manager_right_repository.COLLECTION], None))
    attempts = MongoActivationAttempts(database[mongo_activation_attempts.COLLECTION])
    letters = MongoActivationLetters(database[mongo_activation_letters.COLLECTION])
    hasher, clock = HmacCodeHasher(b"k" * 32), ManualClock(T0)
    off = SecondFactorPolicy(required=False)  # the stores are under test here, not the second factor
    issue = IssueActivationCode(
        codes, letters, FakeDirectory(ESTABLISHMENT), hasher, FpdfActivationLetter(), clock, off
    )
    start = StartActivation(codes, activations, rights, attempts, hasher, PackageCharterText(), clock)
    accept = AcceptCharter(codes, activations, rights, FakeAccounts(account("user-1")), LINKS, clock)

    issued = await issue(a.IssueActivationCodeV1(actor=AGENT, service="ceres", siret=SIRET), CONTEXT)
    letter = await GetActivationLetter(codes, letters, clock, off)(
        a.GetActivationLetterV1(actor=AGENT, activation_code_id=issued.id), CONTEXT
    )
    started = await start(a.StartActivationV1(actor=USER, siret=SIRET, activation_code=issued.code.lower()), CONTEXT)
    done = await accept(a.AcceptManagerCharterV1(actor=USER, activation_id=started.activation_id, accept=True), CONTEXT)

    assert letter.content_base64
    assert "Charte du responsable des accès" in started.charter.text
    assert done.manager_right.via == "activation_code"
    right = await rights.get("user-1", SIREN)
    assert right is not None
    assert right.active
    assert right.charter_version == started.charter.version
    raw = await database[mongo_activation_code_repository.COLLECTION].find_one({"_id": issued.id})
    assert raw is not None
    assert raw["state"] == "redeemed"
    assert issued.code not in str(raw)


def _issued_event() -> ActivationCodeIssuedV1:
    return ActivationCodeIssuedV1(
        activation_code_id="code-1",
        service="ceres",
        siret=SIRET,
        siren=SIREN,
        issued_by="agent-1",
        expires_at=T0,
    )
