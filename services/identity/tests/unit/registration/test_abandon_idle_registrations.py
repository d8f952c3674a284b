"""The sweeper: idle open registrations expire and announce it; a concurrent save is skipped."""

import json
from datetime import datetime, timedelta

import pytest

from contracts.identity import VerifyRegistrationCodeV1
from contracts.topology import EVENTS_EXCHANGE
from efp_runtime.message_context import MessageContext
from efp_runtime.outbox import OutboxMessage
from identity.domain.errors import Conflict, RegistrationExpired
from identity.domain.registration import INACTIVITY_LIMIT, OPEN_STEPS, Registration, Step
from identity.fakes import T0, FakeClock, FakeRegistrationRepository, Fakes
from identity.use_cases.registration.abandon_idle_registrations import AbandonIdleRegistrations

LATER = T0 + INACTIVITY_LIMIT + timedelta(minutes=1)


class FakeIdleRegistrations(FakeRegistrationRepository):
    """A store whose `conflicts` fail their update, as if saved meanwhile."""

    def __init__(self) -> None:
        super().__init__()
        self.conflicts: set[str] = set()

    async def update(self, registration: Registration, messages: list[OutboxMessage]) -> None:
        if registration.id in self.conflicts:
            raise Conflict()
        await super().update(registration, messages)


async def stored(
    repository: FakeRegistrationRepository, registration_id: str, state: Step, idle_since: datetime
) -> None:
    registration = Registration.start(registration_id, f"{registration_id}@example.fr", "111111", "h", T0)
    registration.state, registration.last_activity_at = state, idle_since
    await repository.add(registration, [])


def sweeper(repository: FakeIdleRegistrations, now: datetime = LATER) -> AbandonIdleRegistrations:
    return Fakes(clock=FakeClock(now), registrations=repository).use_cases().abandon_idle_registrations


async def test_idle_open_registrations_expire_and_are_counted() -> None:
    repository = FakeIdleRegistrations()
    for n, state in enumerate(OPEN_STEPS):
        await stored(repository, f"r-{n}", state, T0)

    assert await sweeper(repository)() == len(OPEN_STEPS)

    assert all(r.state is Step.EXPIRED for r in repository.registrations.values())
    assert repository.idle_queries == [(LATER - INACTIVITY_LIMIT, 500)]


async def test_each_expiry_publishes_registration_abandoned_with_the_last_step() -> None:
    repository = FakeIdleRegistrations()
    await stored(repository, "r-1", Step.IDENTITY, T0)

    await sweeper(repository)()

    [event] = repository.outbox
    assert (event.exchange, event.type) == (EVENTS_EXCHANGE, "identity.registration.abandoned.v1")
    assert json.loads(event.body) == {"registration_id": "r-1", "last_step": "identity"}


async def test_registrations_still_in_use_or_closed_are_left_alone() -> None:
    repository = FakeIdleRegistrations()
    await stored(repository, "recent", Step.PASSWORD, LATER - timedelta(minutes=5))
    await stored(repository, "done", Step.COMPLETED, T0)
    await stored(repository, "gone", Step.EXPIRED, T0)

    assert await sweeper(repository)() == 0

    states = {r.id: r.state for r in repository.registrations.values()}
    assert states == {"recent": Step.PASSWORD, "done": Step.COMPLETED, "gone": Step.EXPIRED}
    assert repository.outbox == []


async def test_a_registration_the_query_returns_but_that_was_used_since_is_left_alone() -> None:
    # The query's cut-off and the domain's check agree; the domain has the last word.
    repository = FakeIdleRegistrations()
    await stored(repository, "r-1", Step.PASSWORD, T0)

    assert await sweeper(repository, now=T0 + INACTIVITY_LIMIT - timedelta(seconds=1))() == 0


async def test_a_conflict_skips_that_registration_and_the_others_go_on() -> None:
    repository = FakeIdleRegistrations()
    await stored(repository, "r-1", Step.PASSWORD, T0)
    await stored(repository, "r-2", Step.PASSWORD, T0 + timedelta(seconds=1))
    repository.conflicts.add("r-1")

    assert await sweeper(repository)() == 1

    assert repository.registrations["r-1"].state is Step.PASSWORD
    assert repository.registrations["r-2"].state is Step.EXPIRED
    assert [json.loads(m.body)["registration_id"] for m in repository.outbox] == ["r-2"]


async def test_a_second_pass_finds_nothing_more() -> None:
    repository = FakeIdleRegistrations()
    await stored(repository, "r-1", Step.ORGANISATION, T0)
    await sweeper(repository)()

    assert await sweeper(repository)() == 0
    assert len(repository.outbox) == 1


async def test_a_registration_a_user_finds_idle_is_announced_like_the_sweepers() -> None:
    repository = FakeIdleRegistrations()
    await stored(repository, "r-1", Step.VERIFY_EMAIL, T0)
    verify = Fakes(clock=FakeClock(LATER), registrations=repository).use_cases().verify_registration_code

    request = VerifyRegistrationCodeV1(registration_id="r-1", code="123456")

    with pytest.raises(RegistrationExpired):
        await verify(request, MessageContext(message_id="m-12", correlation_id="corr-12"))

    assert repository.registrations["r-1"].state is Step.EXPIRED
    assert [m.type for m in repository.outbox] == ["identity.registration.abandoned.v1"]
