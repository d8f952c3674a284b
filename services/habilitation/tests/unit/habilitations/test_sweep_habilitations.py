"""The habilitation sweep: end dates lapse with their event and e-mail; a warning 7 days before, sent once."""

import asyncio
from datetime import timedelta

from contracts.habilitation import HabilitationExpiredV1
from habilitation.domain.errors import Conflict
from habilitation.domain.habilitation import Habilitation, HabilitationState
from habilitation.fakes.sweeps import FakeHabilitationSweep
from habilitation.use_cases.habilitations.sweep_habilitations import SweepHabilitations
from services.habilitation.tests.unit.samples import (
    OTHER_SIREN,
    SIREN,
    SIRET,
    T0,
    World,
    emails,
    event_types,
    events,
    on,
)


def sweeper(world: World) -> tuple[SweepHabilitations, FakeHabilitationSweep]:
    """The sweep use case on the world's fakes, and the fake of its queries (shared by every sweeper built)."""
    return world.x.sweep_habilitations, world.habilitation_sweep


def world_with_holder() -> World:
    world = World()
    world.manager("manager")
    world.manager("other-manager")
    world.member("holder")
    return world


async def test_an_end_date_reached_lapses_the_habilitation_with_its_event_and_an_email_to_the_holder() -> None:
    world = world_with_holder()
    world.holding(id="due", end_date=on(0))
    world.holding(id="past", end_date=on(-3))
    world.holding(id="tomorrow", end_date=on(1))
    world.holding(id="forever", end_date=None)
    world.holding(id="revoked", end_date=on(-1), state=HabilitationState.REVOKED)

    await sweeper(world)[0]()

    states = {h.id: h.state for h in world.habilitations.items.values()}
    assert states == {
        "due": HabilitationState.EXPIRED,
        "past": HabilitationState.EXPIRED,
        "tomorrow": HabilitationState.ACTIVE,
        "forever": HabilitationState.ACTIVE,
        "revoked": HabilitationState.REVOKED,
    }
    assert world.habilitations.items["due"].history[-1].by == "system"
    lapsed = {e["habilitation"]["id"] for e in events(world.habilitations.outbox, HabilitationExpiredV1.MESSAGE_TYPE)}
    assert lapsed == {"due", "past"}
    ended = [e for e in emails(world.habilitations.outbox) if e["content"]["template"] == "habilitation_ended"]
    assert {(e["to"], e["content"]["kind"], e["content"]["ended_on"]) for e in ended} == {
        ("holder@example.fr", "expired", on(0).isoformat()),
        ("holder@example.fr", "expired", on(-3).isoformat()),
    }
    assert ended[0]["content"]["establishment_name"] == "Formation Plus Lyon"


async def test_a_habilitation_revoked_meanwhile_is_left_to_that_revocation() -> None:
    world = world_with_holder()
    world.holding(id="due", end_date=on(0))
    world.habilitations.fail_next_update = False

    async def revoked_first(habilitation: Habilitation, messages: list) -> None:  # type: ignore[type-arg]
        raise Conflict("modifiée entre-temps")

    world.habilitations.update = revoked_first  # type: ignore[method-assign]

    assert await sweeper(world)[0]() == 0


async def test_seven_days_before_the_end_the_holder_and_each_other_manager_are_warned_once() -> None:
    world = world_with_holder()
    world.manager("holder-manager")
    world.manager("elsewhere", OTHER_SIREN)
    world.holding(id="soon", account_id="holder-manager", end_date=on(7))
    world.holding(id="later", end_date=on(8))
    use_case, sweep = sweeper(world)

    assert await use_case() == 1
    assert await use_case() == 0  # the next pass sends nothing again

    sent = emails(sweep.outbox)
    assert sorted((e["to"], e["content"]["audience"]) for e in sent) == [
        ("holder-manager@example.fr", "holder"),
        ("manager@example.fr", "manager"),
        ("other-manager@example.fr", "manager"),
    ]
    to_holder = next(e["content"] for e in sent if e["content"]["audience"] == "holder")
    to_manager = next(e["content"] for e in sent if e["content"]["audience"] == "manager")
    assert to_holder["link"] == "https://ceres.emploi.gouv.fr"
    assert to_manager["link"] == "https://efp.example.fr/gestion-des-acces/utilisateurs/holder-manager"
    assert (to_holder["days_left"], to_holder["end_date"], to_holder["siret"]) == (7, on(7).isoformat(), SIRET)
    assert (to_manager["holder_first_name"], to_manager["organisation_name"]) == (
        "Prénom-holder-manager",
        "Formation Plus",
    )
    assert set(sweep.warned) == {"soon"}
    # The managers' warning names the holder; the holder's own names nobody else.
    assert sorted((e["content"]["audience"], tuple(e["mentions"])) for e in sent) == [
        ("holder", ()),
        ("manager", ("holder-manager",)),
        ("manager", ("holder-manager",)),
    ]


async def test_an_end_date_reached_lapses_and_is_not_also_warned() -> None:
    world = world_with_holder()
    world.holding(id="today", end_date=on(0))
    use_case, sweep = sweeper(world)

    await use_case()

    assert sweep.outbox == []
    assert sweep.warned == {}


async def test_time_moves_on_and_the_warning_comes_when_seven_days_are_left() -> None:
    world = world_with_holder()
    world.holding(id="h", end_date=on(10))
    use_case, sweep = sweeper(world)

    await use_case()
    world.clock.advance(timedelta(days=2))
    await use_case()
    assert sweep.warned == {}
    world.clock.advance(timedelta(days=1))
    await use_case()

    assert sweep.warned == {"h": T0 + timedelta(days=3)}
    world.clock.advance(timedelta(days=7))
    await use_case()
    assert world.habilitations.items["h"].state is HabilitationState.EXPIRED


async def test_two_replicas_sweeping_at_once_warn_once() -> None:
    world = world_with_holder()
    world.holding(id="soon", end_date=on(3))
    shared = world.habilitation_sweep
    first, second = sweeper(world)[0], sweeper(world)[0]

    done = await asyncio.gather(first(), second())

    assert sorted(done) == [0, 1]
    assert [e["content"]["audience"] for e in emails(shared.outbox)].count("holder") == 1


async def test_a_holder_unknown_yet_is_warned_at_a_later_pass() -> None:
    world = world_with_holder()
    world.holding(id="soon", account_id="stranger", end_date=on(3))
    use_case, _sweep = sweeper(world)

    assert await use_case() == 0
    world.member("stranger")
    assert await use_case() == 1


async def test_many_due_habilitations_are_all_lapsed_in_one_pass() -> None:
    world = world_with_holder()
    for n in range(250):
        world.holding(id=f"h-{n:03d}", end_date=on(-1))

    assert await sweeper(world)[0]() == 250

    assert {h.state for h in world.habilitations.items.values()} == {HabilitationState.EXPIRED}
    assert event_types(world.habilitations.outbox).count(HabilitationExpiredV1.MESSAGE_TYPE) == 250
    assert all(h.siren == SIREN for h in world.habilitations.items.values())
