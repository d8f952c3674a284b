"""Appointing and withdrawing access managers: members only, the charter before the right is usable,
regrant after a withdrawal, never the last one."""

import asyncio

import pytest

from contracts import activation as a
from contracts import habilitation_management as hm
from habilitation.domain.errors import Conflict, LastManager, NotFound
from habilitation.domain.manager_right import CHARTER_FIRST, ManagerRight, ManagerRightState
from services.habilitation.tests.unit.samples import (
    CONTEXT,
    LINKS,
    OTHER_SIREN,
    SIREN,
    T0,
    World,
    actor,
    days,
    emails,
    event_types,
    events,
)


@pytest.fixture
def world() -> World:
    world = World()
    world.manager("alice")
    world.member("bea")
    return world


async def test_appoint_a_member_gives_a_right_to_use_once_the_charter_is_accepted_and_e_mails_the_link(
    world: World,
) -> None:
    activations = world.activations

    user = await world.x.appoint_manager.appoint(
        hm.AppointManagerV1(actor=actor("alice"), siren=SIREN, account_id="bea"), CONTEXT
    )

    right = world.rights.items[f"bea:{SIREN}"]
    assert (right.held, right.active, right.awaiting_charter) == (True, False, True)
    assert (right.granted_by, right.granted_at, right.via, right.charter_version) == ("alice", T0, "manager", None)
    assert user.manager_right is not None
    assert user.manager_right.granted_by_name == "Prénom-alice Nom-alice"
    [activation] = activations.docs.values()
    assert (activation.account_id, activation.siren, activation.activation_code_id) == ("bea", SIREN, None)
    assert right.activation_id == activation.id
    assert event_types(world.rights.outbox) == []  # granted once the charter is accepted
    [email] = emails(world.rights.outbox)
    assert email["to"] == "bea@example.fr"
    content = email["content"]
    assert content["template"] == "manager_right_granted"
    assert content["link"] == LINKS.charter(activation.id)
    assert (content["organisation_name"], content["siren"]) == ("Formation Plus", SIREN)
    assert (content["granted_by_first_name"], content["granted_on"]) == ("Prénom-alice", T0.date().isoformat())
    assert email["mentions"] == ["alice"]


async def test_an_appointed_manager_cannot_use_the_right_before_accepting_the_charter(world: World) -> None:
    world.member("carl")
    activations = world.activations
    await world.x.appoint_manager.appoint(
        hm.AppointManagerV1(actor=actor("alice"), siren=SIREN, account_id="bea"), CONTEXT
    )
    [activation] = activations.docs.values()

    with pytest.raises(NotFound) as refused:
        await world.x.appoint_manager.appoint(
            hm.AppointManagerV1(actor=actor("bea"), siren=SIREN, account_id="carl"), CONTEXT
        )

    assert (refused.value.detail, refused.value.extra) == (CHARTER_FIRST, {"activation_id": activation.id})
    assert f"carl:{SIREN}" not in world.rights.items


async def test_an_appointed_manager_who_accepts_the_charter_may_use_the_right(world: World) -> None:
    world.member("carl")
    activations = world.activations
    await world.x.appoint_manager.appoint(
        hm.AppointManagerV1(actor=actor("alice"), siren=SIREN, account_id="bea"), CONTEXT
    )
    [activation] = activations.docs.values()
    world.clock.advance(days(1))

    done = await world.x.accept_charter(
        a.AcceptManagerCharterV1(actor=actor("bea"), activation_id=activation.id, accept=True), CONTEXT
    )

    right = world.rights.items[f"bea:{SIREN}"]
    assert right.active
    assert (right.charter_version, done.charter_version, done.manager_right.via) == ("2024-11", "2024-11", "manager")
    assert activations.docs[activation.id].completed
    assert event_types(world.rights.outbox) == ["habilitation.manager_right.granted.v1"]
    [event] = events(world.rights.outbox, "habilitation.manager_right.granted.v1")
    assert (event["right"]["account_id"], event["right"]["granted_by"]) == ("bea", "alice")
    assert event["right"]["granted_by_name"] == "Prénom-alice Nom-alice"
    await world.x.appoint_manager.appoint(
        hm.AppointManagerV1(actor=actor("bea"), siren=SIREN, account_id="carl"), CONTEXT
    )
    assert world.rights.items[f"carl:{SIREN}"].awaiting_charter


async def test_the_charter_of_a_right_withdrawn_meanwhile_gives_nothing_back(world: World) -> None:
    activations = world.activations
    await world.x.appoint_manager.appoint(
        hm.AppointManagerV1(actor=actor("alice"), siren=SIREN, account_id="bea"), CONTEXT
    )
    [activation] = activations.docs.values()
    await world.x.appoint_manager.withdraw(
        hm.WithdrawManagerV1(actor=actor("alice"), siren=SIREN, account_id="bea"), CONTEXT
    )

    with pytest.raises(NotFound, match="retiré"):
        await world.x.accept_charter(
            a.AcceptManagerCharterV1(actor=actor("bea"), activation_id=activation.id, accept=True), CONTEXT
        )

    assert not world.rights.items[f"bea:{SIREN}"].held


async def test_an_appointed_manager_does_not_count_to_avoid_the_last_one(world: World) -> None:
    await world.x.appoint_manager.appoint(
        hm.AppointManagerV1(actor=actor("alice"), siren=SIREN, account_id="bea"), CONTEXT
    )

    with pytest.raises(LastManager):
        await world.x.appoint_manager.withdraw(
            hm.WithdrawManagerV1(actor=actor("alice"), siren=SIREN, account_id="alice"), CONTEXT
        )

    assert world.rights.items[f"alice:{SIREN}"].active


@pytest.mark.parametrize("who", ["outsider", "unknown"])
async def test_appoint_someone_outside_the_organisation_finds_nothing(world: World, who: str) -> None:
    world.member("outsider", siren=OTHER_SIREN)

    with pytest.raises(NotFound, match="n'appartient pas"):
        await world.x.appoint_manager.appoint(
            hm.AppointManagerV1(actor=actor("alice"), siren=SIREN, account_id=who), CONTEXT
        )

    assert f"{who}:{SIREN}" not in world.rights.items


async def test_appoint_by_a_non_manager_finds_nothing(world: World) -> None:
    world.member("carl")

    with pytest.raises(NotFound):
        await world.x.appoint_manager.appoint(
            hm.AppointManagerV1(actor=actor("carl"), siren=SIREN, account_id="bea"), CONTEXT
        )


async def test_appoint_an_appointed_manager_again_changes_nothing(world: World) -> None:
    await world.x.appoint_manager.appoint(
        hm.AppointManagerV1(actor=actor("alice"), siren=SIREN, account_id="bea"), CONTEXT
    )
    sent = len(world.rights.outbox)

    user = await world.x.appoint_manager.appoint(
        hm.AppointManagerV1(actor=actor("alice"), siren=SIREN, account_id="bea"), CONTEXT
    )

    assert user.manager_right is not None
    assert len(world.rights.outbox) == sent


async def test_appoint_after_a_withdrawal_regrants_and_keeps_the_history(world: World) -> None:
    await world.x.appoint_manager.appoint(
        hm.AppointManagerV1(actor=actor("alice"), siren=SIREN, account_id="bea"), CONTEXT
    )
    world.clock.advance(days(1))
    await world.x.appoint_manager.withdraw(
        hm.WithdrawManagerV1(actor=actor("alice"), siren=SIREN, account_id="bea"), CONTEXT
    )
    world.clock.advance(days(1))

    await world.x.appoint_manager.appoint(
        hm.AppointManagerV1(actor=actor("alice"), siren=SIREN, account_id="bea"), CONTEXT
    )

    right = world.rights.items[f"bea:{SIREN}"]
    assert right.awaiting_charter
    assert right.granted_at == T0 + days(2)
    assert [what for _, what, _ in right.history] == ["grant via manager", "withdraw", "grant via manager"]
    assert event_types(world.rights.outbox) == ["habilitation.manager_right.withdrawn.v1"]


async def test_withdraw_a_manager_records_the_event_and_e_mails_them(world: World) -> None:
    world.manager("bob")
    world.clock.advance(days(5))

    done = await world.x.appoint_manager.withdraw(
        hm.WithdrawManagerV1(actor=actor("alice"), siren=SIREN, account_id="bob"), CONTEXT
    )

    assert done.done
    right = world.rights.items[f"bob:{SIREN}"]
    assert right.state is ManagerRightState.WITHDRAWN
    assert right.history[-1] == (T0 + days(5), "withdraw", "alice")
    assert event_types(world.rights.outbox) == ["habilitation.manager_right.withdrawn.v1"]
    [event] = events(world.rights.outbox, "habilitation.manager_right.withdrawn.v1")
    assert (event["account_id"], event["siren"], event["withdrawn_by"]) == ("bob", SIREN, "alice")
    [email] = emails(world.rights.outbox)
    assert email["to"] == "bob@example.fr"
    assert email["content"]["template"] == "manager_right_withdrawn"
    assert email["content"]["withdrawn_on"] == (T0 + days(5)).date().isoformat()
    assert email["mentions"] == ["alice"]


async def test_a_manager_may_withdraw_themselves_when_another_remains(world: World) -> None:
    world.manager("bob")

    await world.x.appoint_manager.withdraw(
        hm.WithdrawManagerV1(actor=actor("alice"), siren=SIREN, account_id="alice"), CONTEXT
    )

    assert not world.rights.items[f"alice:{SIREN}"].active


async def test_withdraw_the_last_manager_is_refused(world: World) -> None:
    with pytest.raises(LastManager) as refused:
        await world.x.appoint_manager.withdraw(
            hm.WithdrawManagerV1(actor=actor("alice"), siren=SIREN, account_id="alice"), CONTEXT
        )

    assert refused.value.code == "last_manager"
    assert world.rights.items[f"alice:{SIREN}"].active
    assert world.rights.outbox == []


async def test_withdrawn_managers_do_not_count_to_avoid_the_last_one(world: World) -> None:
    world.manager("bob")
    await world.x.appoint_manager.withdraw(
        hm.WithdrawManagerV1(actor=actor("alice"), siren=SIREN, account_id="bob"), CONTEXT
    )

    with pytest.raises(LastManager):
        await world.x.appoint_manager.withdraw(
            hm.WithdrawManagerV1(actor=actor("alice"), siren=SIREN, account_id="alice"), CONTEXT
        )


@pytest.mark.parametrize("who", ["bea", "ghost"])
async def test_withdraw_someone_who_is_not_an_active_manager_finds_nothing(world: World, who: str) -> None:
    world.manager("bob")

    with pytest.raises(NotFound):
        await world.x.appoint_manager.withdraw(
            hm.WithdrawManagerV1(actor=actor("alice"), siren=SIREN, account_id=who), CONTEXT
        )


async def test_withdraw_by_a_non_manager_finds_nothing(world: World) -> None:
    world.manager("bob")

    with pytest.raises(NotFound):
        await world.x.appoint_manager.withdraw(
            hm.WithdrawManagerV1(actor=actor("bea"), siren=SIREN, account_id="bob"), CONTEXT
        )

    assert world.rights.items[f"bob:{SIREN}"].active


async def test_two_managers_withdrawing_each_other_at_the_same_moment_leave_one(world: World) -> None:
    world.manager("bob")
    counted: list[str] = []
    both_counted = asyncio.Event()
    count = world.rights.managers_of

    async def managers_of_then_wait(siren: str) -> list[ManagerRight]:
        # Both withdrawals count two managers before either writes: the check alone would let both through.
        managers = await count(siren)
        counted.append(siren)
        if len(counted) == 2:
            both_counted.set()
        await both_counted.wait()
        return managers

    world.rights.managers_of = managers_of_then_wait  # type: ignore[method-assign]

    outcomes = await asyncio.gather(
        world.x.appoint_manager.withdraw(
            hm.WithdrawManagerV1(actor=actor("alice"), siren=SIREN, account_id="bob"), CONTEXT
        ),
        world.x.appoint_manager.withdraw(
            hm.WithdrawManagerV1(actor=actor("bob"), siren=SIREN, account_id="alice"), CONTEXT
        ),
        return_exceptions=True,
    )

    assert len(counted) == 2
    done, refused = sorted(outcomes, key=lambda o: isinstance(o, Exception))
    assert isinstance(refused, LastManager | Conflict)
    assert not isinstance(done, Exception)
    assert [r.account_id for r in world.rights.all() if r.active] in (["alice"], ["bob"])
