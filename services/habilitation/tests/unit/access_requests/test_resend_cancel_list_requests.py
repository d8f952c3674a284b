"""Resend, cancel and list access requests, as the requester and as the organisation's managers."""

import pytest

from contracts import access_requests as ar
from habilitation.domain.access_request import RequestState
from habilitation.domain.errors import Forbidden, NoManager, NotFound, TooEarly, WrongState
from services.habilitation.tests.unit.samples import (
    CONTEXT,
    OTHER_SIREN,
    OTHER_SIRET,
    SIREN,
    T0,
    World,
    actor,
    days,
    emails,
    event_types,
)


@pytest.fixture
def world() -> World:
    world = World()
    world.member("requester")
    world.manager("alice")
    world.manager("bob")
    world.pending()
    return world


async def test_resend_after_30_days_notifies_every_active_manager_again(world: World) -> None:
    world.clock.advance(days(30))

    reply = await world.x.resend_access_request(
        ar.ResendAccessRequestV1(actor=actor("requester"), access_request_id="r-1"), CONTEXT
    )

    sent = emails(world.requests.outbox)
    assert sorted(e["to"] for e in sent) == ["alice@example.fr", "bob@example.fr"]
    assert {e["content"]["template"] for e in sent} == {"access_request_resent"}
    assert {tuple(e["mentions"]) for e in sent} == {("requester",)}
    assert {e["content"]["requested_on"] for e in sent} == {T0.date().isoformat()}
    assert event_types(world.requests.outbox) == ["habilitation.access_request.resent.v1"]
    assert reply.last_sent_at == T0 + days(30)
    assert world.requests.items["r-1"].last_sent_at == T0 + days(30)


async def test_resend_before_30_days_is_too_early_and_sends_nothing(world: World) -> None:
    world.clock.advance(days(29))

    with pytest.raises(TooEarly) as refused:
        await world.x.resend_access_request(
            ar.ResendAccessRequestV1(actor=actor("requester"), access_request_id="r-1"), CONTEXT
        )

    assert refused.value.extra == {"resendable_at": (T0 + days(30)).isoformat()}
    assert "14/02/2030" in refused.value.detail
    assert world.requests.outbox == []


async def test_resend_by_someone_else_finds_nothing(world: World) -> None:
    world.clock.advance(days(31))

    with pytest.raises(NotFound):
        await world.x.resend_access_request(
            ar.ResendAccessRequestV1(actor=actor("alice"), access_request_id="r-1"), CONTEXT
        )


async def test_resend_of_an_unknown_request_finds_nothing(world: World) -> None:
    with pytest.raises(NotFound):
        await world.x.resend_access_request(
            ar.ResendAccessRequestV1(actor=actor("requester"), access_request_id="nope"), CONTEXT
        )


async def test_resend_when_no_manager_is_left_is_refused_and_saves_nothing(world: World) -> None:
    world.clock.advance(days(31))
    for name in ("alice", "bob"):
        world.rights.items[f"{name}:{SIREN}"].withdraw("x", T0)

    with pytest.raises(NoManager):
        await world.x.resend_access_request(
            ar.ResendAccessRequestV1(actor=actor("requester"), access_request_id="r-1"), CONTEXT
        )

    assert world.requests.items["r-1"].last_sent_at == T0


async def test_cancel_by_the_requester_cancels_and_records_the_event(world: World) -> None:
    reply = await world.x.cancel_access_request(
        ar.CancelAccessRequestV1(actor=actor("requester"), access_request_id="r-1"), CONTEXT
    )

    assert reply.status == "cancelled"
    assert world.requests.items["r-1"].state is RequestState.CANCELLED
    assert event_types(world.requests.outbox) == ["habilitation.access_request.cancelled.v1"]
    assert emails(world.requests.outbox) == []


async def test_cancel_by_someone_else_finds_nothing(world: World) -> None:
    with pytest.raises(NotFound):
        await world.x.cancel_access_request(
            ar.CancelAccessRequestV1(actor=actor("alice"), access_request_id="r-1"), CONTEXT
        )

    assert world.requests.items["r-1"].state is RequestState.PENDING


async def test_cancel_of_a_decided_request_is_a_wrong_state(world: World) -> None:
    world.requests.items["r-1"].accept("alice", T0)

    with pytest.raises(WrongState):
        await world.x.cancel_access_request(
            ar.CancelAccessRequestV1(actor=actor("requester"), access_request_id="r-1"), CONTEXT
        )


async def test_the_domain_forbids_others_even_if_a_caller_skips_the_lookup(world: World) -> None:
    request = await world.requests.get("r-1")
    assert request is not None

    with pytest.raises(Forbidden):
        request.cancel("alice", T0)


async def test_my_requests_lists_only_mine(world: World) -> None:
    world.member("other")
    world.pending(id="r-2", account_id="other")

    listing = await world.x.list_my_access_requests(ar.ListMyAccessRequestsV1(actor=actor("requester")), CONTEXT)

    assert [r.id for r in listing.access_requests] == ["r-1"]
    assert listing.access_requests[0].requester_email == "requester@example.fr"


async def test_organisation_requests_are_listed_for_a_manager_with_a_status_filter(world: World) -> None:
    world.member("other")
    world.pending(id="r-2", account_id="other")
    world.requests.items["r-2"].refuse("alice", T0, None)
    world.pending(id="r-3", account_id="other", siren=OTHER_SIREN, siret=OTHER_SIRET)
    use_case = world.x.list_organisation_access_requests

    everything = await use_case(
        ar.ListOrganisationAccessRequestsV1(actor=actor("alice"), siren=SIREN, status=None), CONTEXT
    )
    pending = await use_case(
        ar.ListOrganisationAccessRequestsV1(actor=actor("alice"), siren=SIREN, status="pending"), CONTEXT
    )

    assert sorted(r.id for r in everything.access_requests) == ["r-1", "r-2"]
    assert [r.id for r in pending.access_requests] == ["r-1"]


@pytest.mark.parametrize("who", ["requester", "withdrawn", "stranger"])
async def test_organisation_requests_are_not_found_for_a_non_manager(world: World, who: str) -> None:
    if who == "withdrawn":
        world.rights.items[f"alice:{SIREN}"].withdraw("bob", T0)
        who = "alice"
    elif who == "stranger":
        world.manager("stranger", siren=OTHER_SIREN)
    use_case = world.x.list_organisation_access_requests

    with pytest.raises(NotFound):
        await use_case(ar.ListOrganisationAccessRequestsV1(actor=actor(who), siren=SIREN, status=None), CONTEXT)
