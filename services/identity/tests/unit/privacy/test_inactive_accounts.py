"""Accounts without a login for three years: warned once, deleted 30 days later unless the person logs in,
never while the last access manager of an organisation (then warned again a year later)."""

import json
from datetime import timedelta

import pytest

from contracts.accounts import LogInV1
from contracts.privacy import DeletionBlockersV1
from efp_runtime.message_context import MessageContext
from identity.domain.privacy import INACTIVE_AFTER, NOTICE, REWARN_AFTER
from identity.domain.session import Session
from identity.fakes import LINKS, T0, FakeClock, Fakes

pytestmark = pytest.mark.unit
PASSWORD = "Vélo-Rouge-Lac-42"
DAY = timedelta(days=1)


@pytest.fixture
async def world() -> Fakes:
    world = Fakes(clock=FakeClock(T0))
    await world.account(password_hash=f"hashed2:{PASSWORD}")
    return world


def emails(world: Fakes) -> list[dict[str, object]]:
    return [json.loads(m.body) for m in world.accounts.outbox if m.type == "notification.email.send.v1"]


async def log_in(world: Fakes) -> None:
    captcha = await world.captcha(f"c-{world.clock().timestamp()}")
    request = LogInV1(email="ada@example.fr", password=PASSWORD, captcha_id=captcha.id, captcha_answer="AC34DX")
    await world.use_cases().log_in(request, MessageContext.fresh())


async def sweep(world: Fakes) -> int:
    return await world.use_cases().privacy.sweep_inactive_accounts()


async def test_an_account_without_a_login_for_three_years_is_warned_once(world: Fakes) -> None:
    world.clock.now = T0 + INACTIVE_AFTER - DAY
    assert await sweep(world) == 0
    world.clock.now = T0 + INACTIVE_AFTER + DAY

    assert await sweep(world) == 1
    assert await sweep(world) == 0

    [email] = emails(world)
    assert email["to"] == "ada@example.fr"
    assert email["account_id"] == "a-1"
    assert email["content"] == {
        "template": "inactive_account_warning",
        "last_login_on": None,
        "delete_on": (world.clock.now + NOTICE).date().isoformat(),
        "link": LINKS.login(),
    }
    assert world.accounts.accounts["a-1"].inactivity_warned_at == world.clock.now


async def test_the_last_login_counts_not_the_creation(world: Fakes) -> None:
    world.clock.now = T0 + 400 * DAY
    await log_in(world)
    world.clock.now = T0 + INACTIVE_AFTER + DAY
    assert await sweep(world) == 0
    world.clock.now = T0 + 400 * DAY + INACTIVE_AFTER + DAY
    assert await sweep(world) == 1
    assert emails(world)[0]["content"]["last_login_on"] == (T0 + 400 * DAY).date().isoformat()  # type: ignore[index]


async def test_a_login_writes_the_last_login_at_most_daily(world: Fakes) -> None:
    await log_in(world)
    world.clock.advance(timedelta(hours=3))
    await log_in(world)
    assert world.lifecycle.logins_recorded == 1
    world.clock.advance(DAY)
    await log_in(world)
    assert world.lifecycle.logins_recorded == 2


async def test_warned_and_still_not_logged_in_after_the_notice_the_account_is_deleted(world: Fakes) -> None:
    world.clock.now = T0 + INACTIVE_AFTER + DAY
    await sweep(world)
    world.clock.advance(NOTICE - DAY)
    assert await sweep(world) == 0
    world.clock.advance(2 * DAY)

    assert await sweep(world) == 1

    assert "a-1" not in world.accounts.accounts
    assert world.lifecycle.tombstones["a-1"]["reason"] == "inactive"
    assert world.lifecycle.tombstones["a-1"]["erased"] is True
    deleted = [json.loads(m.body) for m in world.accounts.outbox if m.type == "identity.account.deleted.v1"]
    assert [d["reason"] for d in deleted] == ["inactive"]
    assert emails(world)[-1]["content"]["template"] == "account_deleted"  # type: ignore[index]


async def test_a_login_withdraws_the_warning(world: Fakes) -> None:
    world.clock.now = T0 + INACTIVE_AFTER + DAY
    await sweep(world)
    world.clock.advance(10 * DAY)
    await log_in(world)
    assert world.accounts.accounts["a-1"].inactivity_warned_at is None

    world.clock.advance(NOTICE)
    assert await sweep(world) == 0
    assert "a-1" in world.accounts.accounts
    assert len(emails(world)) == 1


async def test_the_last_access_manager_is_kept_and_warned_again_a_year_later(world: Fakes) -> None:
    world.blockers.blocking["a-1"] = [("130025265", "DREETS Occitanie")]
    world.clock.now = T0 + INACTIVE_AFTER + DAY
    await sweep(world)
    world.clock.advance(NOTICE + DAY)

    assert await sweep(world) == 1  # snoozed, not deleted
    assert "a-1" in world.accounts.accounts
    assert world.accounts.accounts["a-1"].inactivity_warned_at is None
    world.clock.advance(REWARN_AFTER - DAY)
    assert await sweep(world) == 0
    assert len(emails(world)) == 1

    world.clock.advance(2 * DAY)
    assert await sweep(world) == 1
    assert len(emails(world)) == 2
    world.blockers.blocking.clear()
    world.clock.advance(NOTICE + DAY)
    assert await sweep(world) == 1
    assert "a-1" not in world.accounts.accounts


async def test_without_habilitation_s_answer_an_inactive_account_waits(world: Fakes) -> None:
    world.clock.now = T0 + INACTIVE_AFTER + DAY
    await sweep(world)
    world.clock.advance(NOTICE + DAY)
    world.blockers.down = True
    assert await sweep(world) == 0
    assert "a-1" in world.accounts.accounts
    world.blockers.down = False
    assert await sweep(world) == 1
    assert "a-1" not in world.accounts.accounts


async def test_a_login_racing_the_deletion_wins_and_its_session_stays_open(world: Fakes) -> None:
    world.clock.now = T0 + INACTIVE_AFTER + DAY
    await sweep(world)
    world.clock.advance(NOTICE + DAY)
    await world.sessions.add(Session("s-new", "a-1", "csrf", world.clock.now, world.clock.now), [])
    asked = world.blockers.of

    async def log_in_meanwhile(account_id: str) -> DeletionBlockersV1:
        await world.lifecycle.record_login(account_id, world.clock.now)  # between the read and the write
        return await asked(account_id)

    world.blockers.of = log_in_meanwhile  # type: ignore[method-assign]
    assert await sweep(world) == 0
    assert "a-1" in world.accounts.accounts
    assert world.sessions.sessions["s-new"].revoked_at is None
