"""« Supprimer mon compte »: every refusal changes nothing; a deletion closes the sessions, leaves a tombstone
whose outbox has the event and the last e-mail, and erases every other trace of the person."""

import json
from datetime import timedelta

import pytest

from contracts.privacy import DeleteAccountV1
from efp_runtime.message_context import MessageContext
from identity.domain.errors import InvalidCredentials, RateLimited, StepUpRequired, Unauthenticated
from identity.domain.login_throttle import LoginFailures
from identity.domain.password_reset import PasswordReset
from identity.domain.privacy import BlockersUnavailable, LastManager
from identity.domain.registration import Registration
from identity.domain.second_factor import SealedTotp, SecondFactors
from identity.domain.session import Session, session_id_of
from identity.fakes import T0, FakeClock, Fakes

pytestmark = pytest.mark.unit
CONTEXT = MessageContext(message_id="m-15", correlation_id="corr-15")
PASSWORD = "Ancien-Mot-de-Passe-1"
TOKEN = "token-of-the-browser"
NOW = T0 + timedelta(minutes=10)


def delete(password: str = PASSWORD) -> DeleteAccountV1:
    return DeleteAccountV1(session_token=TOKEN, password=password)


@pytest.fixture
async def world() -> Fakes:
    world = Fakes(clock=FakeClock(T0))
    await world.account(password_hash=f"hashed2:{PASSWORD}", phone="0600000000")
    world.clock.now = NOW
    await world.sessions.add(Session(session_id_of(TOKEN), "a-1", "csrf", NOW, NOW, ip="203.0.113.7"), [])
    await world.sessions.add(Session("s-other", "a-1", "csrf", NOW, NOW, ip="198.51.100.2"), [])
    await world.sessions.add(Session("s-bob", "b-2", "csrf", NOW, NOW, ip="192.0.2.1"), [])
    await world.sessions.attach_client("s-other", "ceres")
    return world


def messages(world: Fakes) -> list[tuple[str, dict[str, object]]]:
    return [(m.type, json.loads(m.body)) for m in world.accounts.outbox]


async def assert_nothing_changed(world: Fakes) -> None:
    assert "a-1" in world.accounts.accounts
    assert world.lifecycle.tombstones == {}
    assert all(s.revoked_at is None for s in world.sessions.sessions.values())
    assert world.accounts.outbox == []


async def test_a_wrong_password_is_refused_on_its_field_and_changes_nothing(world: Fakes) -> None:
    with pytest.raises(InvalidCredentials) as refused:
        await world.use_cases().privacy.delete_account(delete("pas-le-bon"), CONTEXT)
    assert refused.value.field == "password"
    await assert_nothing_changed(world)


async def test_password_guesses_share_the_change_password_budget(world: Fakes) -> None:
    world.limiter.hits["change-password:a-1"] = 10
    with pytest.raises(RateLimited):
        await world.use_cases().privacy.delete_account(delete(), CONTEXT)
    await assert_nothing_changed(world)


async def test_no_session_no_deletion(world: Fakes) -> None:
    await world.sessions.revoke(session_id_of(TOKEN), NOW)
    with pytest.raises(Unauthenticated):
        await world.use_cases().privacy.delete_account(delete(), CONTEXT)
    assert "a-1" in world.accounts.accounts


async def test_an_enrolled_second_factor_needs_a_fresh_step_up(world: Fakes) -> None:
    world.second_factors.factors["a-1"] = SecondFactors("a-1", totp=SealedTotp("sealed", T0), version=1)
    with pytest.raises(StepUpRequired):
        await world.use_cases().privacy.delete_account(delete(), CONTEXT)
    await assert_nothing_changed(world)

    world.sessions.sessions[session_id_of(TOKEN)].second_factor_at = NOW - timedelta(minutes=1)
    await world.use_cases().privacy.delete_account(delete(), CONTEXT)
    assert "a-1" in world.lifecycle.tombstones


async def test_the_last_access_manager_of_an_organisation_is_refused_naming_it(world: Fakes) -> None:
    world.blockers.blocking["a-1"] = [("130025265", "DREETS Occitanie"), ("200000001", None)]
    with pytest.raises(LastManager) as refused:
        await world.use_cases().privacy.delete_account(delete(), CONTEXT)
    assert refused.value.extra == {"siren": "130025265"}
    assert refused.value.detail == (
        "Vous êtes le dernier gestionnaire d'accès de DREETS Occitanie (SIREN 130025265). "
        "Désignez un autre gestionnaire d'accès avant de supprimer votre compte."
    )
    await assert_nothing_changed(world)


async def test_without_habilitation_s_answer_nothing_is_deleted(world: Fakes) -> None:
    world.blockers.down = True
    with pytest.raises(BlockersUnavailable):
        await world.use_cases().privacy.delete_account(delete(), CONTEXT)
    await assert_nothing_changed(world)


async def test_a_deletion_closes_every_session_and_leaves_a_tombstone_with_the_event_and_the_last_email(
    world: Fakes,
) -> None:
    answer = await world.use_cases().privacy.delete_account(delete(), CONTEXT)

    assert answer.deleted_at == NOW
    assert {sid: s.revoked_at for sid, s in world.sessions.sessions.items()} == {
        session_id_of(TOKEN): NOW,
        "s-other": NOW,
        "s-bob": None,
    }
    # The relying party signed in through a closed session is told by the back-channel delivery.
    assert [sid for sid, *_ in await world.sessions.ended_with_clients(NOW, 10)] == ["s-other"]
    assert world.lifecycle.tombstones == {
        "a-1": {"state": "deleted", "deleted_at": NOW, "reason": "requested", "erased": True}
    }
    (event_type, event), (command_type, email) = messages(world)
    assert event_type == "identity.account.deleted.v1"
    assert event == {
        "account_id": "a-1",
        "email": "ada@example.fr",
        "deleted_at": NOW.isoformat().replace("+00:00", "Z"),
        "reason": "requested",
    }
    assert email["to"] == "ada@example.fr"
    assert email["account_id"] == "a-1"
    assert email["content"] == {
        "template": "account_deleted",
        "deleted_at": NOW.isoformat().replace("+00:00", "Z"),
        "reason": "requested",
    }
    assert command_type == "notification.email.send.v1"


async def test_a_tombstone_authenticates_nothing_and_frees_its_address(world: Fakes) -> None:
    await world.use_cases().privacy.delete_account(delete(), CONTEXT)

    assert await world.accounts.get("a-1") is None
    assert await world.accounts.by_email("ada@example.fr") is None
    with pytest.raises(Unauthenticated):
        await world.use_cases().privacy.delete_account(delete(), CONTEXT)
    await world.account(id="a-new")  # the same address signs up again
    assert (await world.accounts.by_email("ada@example.fr")).id == "a-new"  # type: ignore[union-attr]


async def test_every_other_trace_of_the_person_is_erased(world: Fakes) -> None:
    world.second_factors.factors["a-1"] = SecondFactors("a-1", recovery_code_hashes=["h"], version=1)
    await world.resets.add(PasswordReset.request("pr-1", "ada@example.fr", "a-1", "123456", "h", T0), [])
    await world.registrations.add(Registration.start("r-1", "ada@example.fr", "111111", "h", T0), [])
    await world.registrations.add(Registration.start("r-2", "bob@example.fr", "222222", "h", T0), [])
    world.failures.failures["ada@example.fr"] = LoginFailures(2, T0)
    world.limiter.hits |= {"login-address:ada@example.fr": 1, "codes:signup:ada@example.fr": 1, "login-ip:x": 1}

    await world.use_cases().privacy.delete_account(delete(), CONTEXT)

    assert "a-1" not in world.second_factors.factors
    assert world.resets.resets == {}
    assert list(world.registrations.registrations) == ["r-2"]
    assert world.failures.failures == {}
    assert set(world.limiter.hits) == {"login-ip:x"}
    assert {sid: s.ip for sid, s in world.sessions.sessions.items()} == {
        session_id_of(TOKEN): None,
        "s-other": None,
        "s-bob": "192.0.2.1",
    }


async def test_the_sweep_finishes_a_tombstone_a_crash_left_unerased(world: Fakes) -> None:
    world.failures.failures["ada@example.fr"] = LoginFailures(2, T0)
    world.traces.erase = _crash  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        await world.use_cases().privacy.delete_account(delete(), CONTEXT)
    assert world.lifecycle.tombstones["a-1"]["erased"] is False
    del world.traces.erase  # back to the class's method

    assert await world.use_cases().privacy.finish_erasures() == 1
    assert await world.use_cases().privacy.finish_erasures() == 0
    assert world.lifecycle.tombstones["a-1"] == {
        "state": "deleted",
        "deleted_at": NOW,
        "reason": "requested",
        "erased": True,
    }
    assert world.failures.failures == {}


async def _crash(account_id: str, email: str) -> None:
    raise RuntimeError("the process died")
