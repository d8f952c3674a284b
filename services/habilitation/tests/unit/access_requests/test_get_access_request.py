"""One access request by id: its requester and the organisation's active managers see it, nobody else."""

import pytest

from contracts import access_requests as ar
from habilitation.domain.errors import NotFound
from services.habilitation.tests.unit.samples import CONTEXT, OTHER_SIREN, SIREN, T0, World, actor


@pytest.fixture
def world() -> World:
    world = World()
    world.member("requester")
    world.member("colleague")
    world.manager("alice")
    world.manager("bob")
    world.pending()
    return world


async def test_the_requester_sees_their_request_with_the_fields_of_the_lists(world: World) -> None:
    found = await world.x.get_access_request(
        ar.GetAccessRequestV1(actor=actor("requester"), access_request_id="r-1"), CONTEXT
    )

    assert (found.id, found.account_id, found.status, found.siren) == ("r-1", "requester", "pending", SIREN)
    assert found.requester_email == "requester@example.fr"


async def test_an_active_manager_of_the_organisation_sees_the_requester_s_name_and_email(world: World) -> None:
    found = await world.x.get_access_request(
        ar.GetAccessRequestV1(actor=actor("alice"), access_request_id="r-1"), CONTEXT
    )

    assert found.id == "r-1"
    assert found.requester_email == "requester@example.fr"
    assert found.requester_name


async def test_a_decided_request_is_still_shown(world: World) -> None:
    world.requests.items["r-1"].refuse("alice", T0, "Non.")

    found = await world.x.get_access_request(
        ar.GetAccessRequestV1(actor=actor("bob"), access_request_id="r-1"), CONTEXT
    )

    assert (found.status, found.decided_by, found.reason) == ("refused", "alice", "Non.")


@pytest.mark.parametrize("who", ["colleague", "withdrawn", "other_manager"])
async def test_anyone_else_finds_nothing(world: World, who: str) -> None:
    if who == "withdrawn":
        world.rights.items[f"alice:{SIREN}"].withdraw("bob", T0)
        who = "alice"
    elif who == "other_manager":
        world.manager("other_manager", siren=OTHER_SIREN)

    with pytest.raises(NotFound) as refused:
        await world.x.get_access_request(ar.GetAccessRequestV1(actor=actor(who), access_request_id="r-1"), CONTEXT)

    assert refused.value.detail == "Cette demande d'accès est introuvable."


async def test_an_unknown_request_is_not_found(world: World) -> None:
    with pytest.raises(NotFound):
        await world.x.get_access_request(ar.GetAccessRequestV1(actor=actor("alice"), access_request_id="nope"), CONTEXT)
