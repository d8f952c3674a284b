"""A manager grants a habilitation (to a user, to themselves) and revokes one; the holder is told by e-mail."""

import pytest

from contracts import habilitation_management as hm
from habilitation.domain.errors import Conflict, InvalidInput, NotFound, WrongState
from habilitation.domain.habilitation import HabilitationState, Via
from services.habilitation.tests.unit.samples import (
    CONTEXT,
    OTHER_SIREN,
    OTHER_SIRET,
    SIREN,
    SIRET,
    SIRET_2,
    T0,
    TODAY,
    World,
    actor,
    emails,
    event_types,
    grant,
    on,
)


@pytest.fixture
def world() -> World:
    world = World()
    world.manager("alice")
    world.member("holder")
    return world


async def test_to_user_grants_via_manager_and_e_mails_the_holder(world: World) -> None:
    view = await world.x.assign_habilitation.to_user(
        hm.AddUserHabilitationV1(actor=actor("alice"), siren=SIREN, account_id="holder", grant=grant(end_date=on(30))),
        CONTEXT,
    )

    stored = world.habilitations.items[view.id]
    assert (stored.account_id, stored.siret, stored.siren, stored.via) == ("holder", SIRET, SIREN, Via.MANAGER)
    assert (view.granted_by, view.granted_by_name, view.role_label) == (
        "alice",
        "Prénom-alice Nom-alice",
        "Centre agréé",
    )
    [email] = emails(world.habilitations.outbox)
    assert email["to"] == "holder@example.fr"
    assert email["content"]["template"] == "access_granted"
    assert email["content"]["after_access_request"] is False
    assert event_types(world.habilitations.outbox) == ["habilitation.habilitation.granted.v1"]


@pytest.mark.parametrize("who", ["outsider", "unknown"])
async def test_to_user_refuses_a_person_outside_the_organisation(world: World, who: str) -> None:
    world.member("outsider", siren=OTHER_SIREN)

    with pytest.raises(NotFound, match="n'appartient pas"):
        await world.x.assign_habilitation.to_user(
            hm.AddUserHabilitationV1(actor=actor("alice"), siren=SIREN, account_id=who, grant=grant()), CONTEXT
        )

    assert world.habilitations.items == {}


async def test_to_user_by_a_non_manager_finds_nothing(world: World) -> None:
    world.manager("carol", siren=OTHER_SIREN)

    with pytest.raises(NotFound):
        await world.x.assign_habilitation.to_user(
            hm.AddUserHabilitationV1(actor=actor("carol"), siren=SIREN, account_id="holder", grant=grant()), CONTEXT
        )


async def test_to_user_refuses_an_establishment_of_another_organisation(world: World) -> None:
    with pytest.raises(InvalidInput) as refused:
        await world.x.assign_habilitation.to_user(
            hm.AddUserHabilitationV1(
                actor=actor("alice"), siren=SIREN, account_id="holder", grant=grant(siret=OTHER_SIRET)
            ),
            CONTEXT,
        )

    assert refused.value.field == "habilitations.0.siret"


async def test_to_user_refuses_an_end_date_today(world: World) -> None:
    with pytest.raises(InvalidInput):
        await world.x.assign_habilitation.to_user(
            hm.AddUserHabilitationV1(
                actor=actor("alice"), siren=SIREN, account_id="holder", grant=grant(end_date=TODAY)
            ),
            CONTEXT,
        )


async def test_to_user_twice_the_same_habilitation_is_a_conflict(world: World) -> None:
    await world.x.assign_habilitation.to_user(
        hm.AddUserHabilitationV1(actor=actor("alice"), siren=SIREN, account_id="holder", grant=grant()), CONTEXT
    )

    with pytest.raises(Conflict):
        await world.x.assign_habilitation.to_user(
            hm.AddUserHabilitationV1(actor=actor("alice"), siren=SIREN, account_id="holder", grant=grant()), CONTEXT
        )

    assert len(world.habilitations.items) == 1


async def test_to_user_can_give_again_a_habilitation_past_its_end_date(world: World) -> None:
    world.holding(account_id="holder", end_date=on(-1))

    view = await world.x.assign_habilitation.to_user(
        hm.AddUserHabilitationV1(actor=actor("alice"), siren=SIREN, account_id="holder", grant=grant()), CONTEXT
    )

    assert view.end_date is None


async def test_to_myself_grants_the_manager_without_e_mail(world: World) -> None:
    view = await world.x.assign_habilitation.to_myself(
        hm.AssignMyHabilitationV1(actor=actor("alice"), grant=grant(siret=SIRET_2)), CONTEXT
    )

    assert (view.account_id, view.siren, view.siret, view.via) == ("alice", SIREN, SIRET_2, "manager")
    assert emails(world.habilitations.outbox) == []


async def test_to_myself_on_an_organisation_i_do_not_manage_finds_nothing(world: World) -> None:
    with pytest.raises(NotFound):
        await world.x.assign_habilitation.to_myself(
            hm.AssignMyHabilitationV1(actor=actor("alice"), grant=grant(siret=OTHER_SIRET)), CONTEXT
        )

    assert world.habilitations.items == {}


async def test_to_myself_on_an_unknown_establishment_finds_nothing(world: World) -> None:
    with pytest.raises(NotFound):
        await world.x.assign_habilitation.to_myself(
            hm.AssignMyHabilitationV1(actor=actor("alice"), grant=grant(siret="12345678900037")), CONTEXT
        )


async def test_revoke_by_a_manager_revokes_with_event_and_habilitation_ended_e_mail(world: World) -> None:
    world.holding(account_id="holder", granted_by="alice")
    world.clock.advance(on(3) - TODAY)

    view = await world.x.revoke_habilitation(
        hm.RevokeHabilitationV1(actor=actor("alice"), habilitation_id="h-1"), CONTEXT
    )

    stored = world.habilitations.items["h-1"]
    assert stored.state is HabilitationState.REVOKED
    assert stored.history[-1].by == "alice"
    assert view.state == "revoked"
    assert event_types(world.habilitations.outbox) == ["habilitation.habilitation.revoked.v1"]
    assert '"revoked_by":"alice"' in world.habilitations.outbox[0].body
    [email] = emails(world.habilitations.outbox)
    assert email["to"] == "holder@example.fr"
    content = email["content"]
    assert (content["template"], content["kind"]) == ("habilitation_ended", "revoked")
    assert (content["establishment_name"], content["ended_on"]) == ("Formation Plus Lyon", on(3).isoformat())
    assert content["role_label"] == "Centre agréé"


@pytest.mark.parametrize("who", ["holder", "other_manager", "withdrawn"])
async def test_revoke_by_anyone_but_a_manager_of_its_organisation_finds_nothing(world: World, who: str) -> None:
    world.holding(account_id="holder")
    world.manager("carol", siren=OTHER_SIREN)
    world.manager("bob")
    world.rights.items[f"bob:{SIREN}"].withdraw("alice", T0)
    who = {"other_manager": "carol", "withdrawn": "bob"}.get(who, who)

    with pytest.raises(NotFound):
        await world.x.revoke_habilitation(hm.RevokeHabilitationV1(actor=actor(who), habilitation_id="h-1"), CONTEXT)

    assert world.habilitations.items["h-1"].state is HabilitationState.ACTIVE
    assert world.habilitations.outbox == []


async def test_revoke_of_an_unknown_habilitation_finds_nothing(world: World) -> None:
    with pytest.raises(NotFound):
        await world.x.revoke_habilitation(
            hm.RevokeHabilitationV1(actor=actor("alice"), habilitation_id="nope"), CONTEXT
        )


async def test_revoke_twice_is_a_wrong_state(world: World) -> None:
    world.holding(account_id="holder")
    await world.x.revoke_habilitation(hm.RevokeHabilitationV1(actor=actor("alice"), habilitation_id="h-1"), CONTEXT)

    with pytest.raises(WrongState):
        await world.x.revoke_habilitation(hm.RevokeHabilitationV1(actor=actor("alice"), habilitation_id="h-1"), CONTEXT)

    assert len(emails(world.habilitations.outbox)) == 1
