"""Appointing and withdrawing access managers: members only, regrant after a withdrawal, never the last one."""

import pytest

from habilitation.domain.errors import LastManager, NotFound
from habilitation.domain.manager_right import ManagerRightState
from habilitation.use_cases.appoint_manager import AppointManager
from habilitation.use_cases.list_organisation_users import ListOrganisationUsers
from services.habilitation.tests.unit.core_fakes import (
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
from services.habilitation.tests.unit.listing_fakes import FakeUserListing


@pytest.fixture
def world() -> World:
    world = World()
    world.manager("alice")
    world.member("bea")
    return world


def appointing(world: World) -> AppointManager:
    users = ListOrganisationUsers(
        world.accounts,
        world.habilitations,
        world.rights,
        world.directory,
        FakeUserListing(world.accounts, world.habilitations),
        world.clock,
    )
    return AppointManager(world.rights, world.accounts, world.directory, users, LINKS, world.clock)


async def test_appoint_a_member_grants_the_right_with_event_and_e_mail(world: World) -> None:
    user = await appointing(world).appoint(actor("alice"), SIREN, "bea", CONTEXT)

    right = world.rights.items[f"bea:{SIREN}"]
    assert right.active
    assert (right.granted_by, right.granted_at, right.via, right.charter_version) == ("alice", T0, "manager", None)
    assert user.manager_right is not None
    assert user.manager_right.granted_by_name == "Prénom-alice Nom-alice"
    assert event_types(world.rights.outbox) == ["habilitation.manager_right.granted.v1"]
    [event] = events(world.rights.outbox, "habilitation.manager_right.granted.v1")
    assert event["right"]["account_id"] == "bea"
    [email] = emails(world.rights.outbox)
    assert email["to"] == "bea@example.fr"
    content = email["content"]
    assert content["template"] == "manager_right_granted"
    assert (content["organisation_name"], content["siren"]) == ("Formation Plus", SIREN)
    assert (content["granted_by_first_name"], content["granted_on"]) == ("Prénom-alice", T0.date().isoformat())


@pytest.mark.parametrize("who", ["outsider", "unknown"])
async def test_appoint_someone_outside_the_organisation_finds_nothing(world: World, who: str) -> None:
    world.member("outsider", siren=OTHER_SIREN)

    with pytest.raises(NotFound, match="n'appartient pas"):
        await appointing(world).appoint(actor("alice"), SIREN, who, CONTEXT)

    assert f"{who}:{SIREN}" not in world.rights.items


async def test_appoint_by_a_non_manager_finds_nothing(world: World) -> None:
    world.member("carl")

    with pytest.raises(NotFound):
        await appointing(world).appoint(actor("carl"), SIREN, "bea", CONTEXT)


async def test_appoint_an_active_manager_again_changes_nothing(world: World) -> None:
    await appointing(world).appoint(actor("alice"), SIREN, "bea", CONTEXT)
    sent = len(world.rights.outbox)

    user = await appointing(world).appoint(actor("alice"), SIREN, "bea", CONTEXT)

    assert user.manager_right is not None
    assert len(world.rights.outbox) == sent


async def test_appoint_after_a_withdrawal_regrants_and_keeps_the_history(world: World) -> None:
    await appointing(world).appoint(actor("alice"), SIREN, "bea", CONTEXT)
    world.clock.advance(days(1))
    await appointing(world).withdraw(actor("alice"), SIREN, "bea", CONTEXT)
    world.clock.advance(days(1))

    await appointing(world).appoint(actor("alice"), SIREN, "bea", CONTEXT)

    right = world.rights.items[f"bea:{SIREN}"]
    assert right.active
    assert right.granted_at == T0 + days(2)
    assert [what for _, what, _ in right.history] == ["grant via manager", "withdraw", "grant via manager"]
    assert event_types(world.rights.outbox) == [
        "habilitation.manager_right.granted.v1",
        "habilitation.manager_right.withdrawn.v1",
        "habilitation.manager_right.granted.v1",
    ]


async def test_withdraw_a_manager_records_the_event_and_e_mails_them(world: World) -> None:
    world.manager("bob")
    world.clock.advance(days(5))

    done = await appointing(world).withdraw(actor("alice"), SIREN, "bob", CONTEXT)

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


async def test_a_manager_may_withdraw_themselves_when_another_remains(world: World) -> None:
    world.manager("bob")

    await appointing(world).withdraw(actor("alice"), SIREN, "alice", CONTEXT)

    assert not world.rights.items[f"alice:{SIREN}"].active


async def test_withdraw_the_last_manager_is_refused(world: World) -> None:
    with pytest.raises(LastManager) as refused:
        await appointing(world).withdraw(actor("alice"), SIREN, "alice", CONTEXT)

    assert refused.value.code == "last_manager"
    assert world.rights.items[f"alice:{SIREN}"].active
    assert world.rights.outbox == []


async def test_withdrawn_managers_do_not_count_to_avoid_the_last_one(world: World) -> None:
    world.manager("bob")
    await appointing(world).withdraw(actor("alice"), SIREN, "bob", CONTEXT)

    with pytest.raises(LastManager):
        await appointing(world).withdraw(actor("alice"), SIREN, "alice", CONTEXT)


@pytest.mark.parametrize("who", ["bea", "ghost"])
async def test_withdraw_someone_who_is_not_an_active_manager_finds_nothing(world: World, who: str) -> None:
    world.manager("bob")

    with pytest.raises(NotFound):
        await appointing(world).withdraw(actor("alice"), SIREN, who, CONTEXT)


async def test_withdraw_by_a_non_manager_finds_nothing(world: World) -> None:
    world.manager("bob")

    with pytest.raises(NotFound):
        await appointing(world).withdraw(actor("bea"), SIREN, "bob", CONTEXT)

    assert world.rights.items[f"bob:{SIREN}"].active
