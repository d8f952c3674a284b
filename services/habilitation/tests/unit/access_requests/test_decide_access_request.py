"""Accepting (granting habilitations) and refusing an access request, by an access manager only."""

import uuid

import pytest

from contracts import access_requests as ar
from contracts.habilitation import HabilitationGrantV1
from habilitation.domain.access_request import RequestState
from habilitation.domain.errors import InvalidInput, NotFound, WrongState
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
    outbox,
)


@pytest.fixture
def world() -> World:
    world = World()
    world.member("requester")
    world.manager("alice")
    world.pending()
    return world


@pytest.mark.parametrize("who", ["requester", "withdrawn", "other_organisation"])
async def test_accept_by_anyone_but_an_active_manager_of_the_organisation_finds_nothing(world: World, who: str) -> None:
    if who == "withdrawn":
        world.manager("bob")
        world.rights.items[f"bob:{SIREN}"].withdraw("alice", T0)
        who = "bob"
    elif who == "other_organisation":
        world.manager("carol", siren=OTHER_SIREN)
        who = "carol"

    with pytest.raises(NotFound):
        await world.x.accept_access_request(
            ar.AcceptAccessRequestV1(actor=actor(who), access_request_id="r-1", habilitations=[grant()]), CONTEXT
        )

    assert world.habilitations.items == {}
    assert world.requests.items["r-1"].state is RequestState.PENDING


async def test_accept_of_an_unknown_request_finds_nothing(world: World) -> None:
    with pytest.raises(NotFound):
        await world.x.accept_access_request(
            ar.AcceptAccessRequestV1(actor=actor("alice"), access_request_id="nope", habilitations=[grant()]), CONTEXT
        )


async def test_accept_needs_at_least_one_habilitation(world: World) -> None:
    with pytest.raises(InvalidInput) as refused:
        await world.x.accept_access_request(
            # The contract refuses it too: the use case does not rely on that.
            ar.AcceptAccessRequestV1.model_construct(actor=actor("alice"), access_request_id="r-1", habilitations=[]),
            CONTEXT,
        )

    assert refused.value.field == "habilitations"


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        (grant(role="pilote"), "habilitations.1.role"),
        (grant(service="autre"), "habilitations.1.service"),
        (grant(siret=OTHER_SIRET), "habilitations.1.siret"),
        (grant(siret="12345678900037"), "habilitations.1.siret"),
        (grant(end_date=TODAY), "habilitations.1.end_date"),
        (grant(end_date=on(-1)), "habilitations.1.end_date"),
    ],
    ids=["unknown_role", "unknown_service", "other_organisation_siret", "unknown_siret", "ends_today", "ended"],
)
async def test_accept_refuses_an_invalid_grant_on_its_field_and_grants_nothing(
    world: World, bad: HabilitationGrantV1, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        await world.x.accept_access_request(
            ar.AcceptAccessRequestV1(actor=actor("alice"), access_request_id="r-1", habilitations=[grant(), bad]),
            CONTEXT,
        )

    assert refused.value.field == field
    assert world.habilitations.items == {}
    assert world.requests.items["r-1"].state is RequestState.PENDING


async def test_accept_with_an_end_date_tomorrow_is_fine(world: World) -> None:
    reply = await world.x.accept_access_request(
        ar.AcceptAccessRequestV1(actor=actor("alice"), access_request_id="r-1", habilitations=[grant(end_date=on(1))]),
        CONTEXT,
    )

    assert reply.status == "accepted"
    [held] = world.habilitations.items.values()
    assert held.end_date == on(1)


async def test_accept_saves_each_grant_as_a_habilitation_via_the_request(world: World) -> None:
    grants = [grant(), grant(role="gestionnaire_centres", siret=SIRET_2)]

    reply = await world.x.accept_access_request(
        ar.AcceptAccessRequestV1(actor=actor("alice"), access_request_id="r-1", habilitations=grants), CONTEXT
    )

    held = sorted(world.habilitations.items.values(), key=lambda h: h.role)
    assert [(h.role, h.siret) for h in held] == [("centre_agree", SIRET), ("gestionnaire_centres", SIRET_2)]
    assert {(h.account_id, h.siren, h.via, h.granted_by, h.granted_at) for h in held} == {
        ("requester", SIREN, Via.ACCESS_REQUEST, "alice", T0)
    }
    assert {h.state for h in held} == {HabilitationState.ACTIVE}
    assert set(world.habilitations.items) == {str(uuid.uuid5(uuid.NAMESPACE_URL, f"r-1/{i}")) for i in range(2)}
    assert event_types(world.habilitations.outbox) == ["habilitation.habilitation.granted.v1"] * 2
    stored = world.requests.items["r-1"]
    assert (reply.status, stored.decided_by, stored.decided_at) == ("accepted", "alice", T0)


async def test_accept_e_mails_the_requester_and_records_the_accepted_event(world: World) -> None:
    await world.x.accept_access_request(
        ar.AcceptAccessRequestV1(actor=actor("alice"), access_request_id="r-1", habilitations=[grant(end_date=on(90))]),
        CONTEXT,
    )

    [email] = emails(outbox(world.requests, world.habilitations))
    assert email["to"] == "requester@example.fr"
    content = email["content"]
    assert content["template"] == "access_granted"
    assert content["after_access_request"] is True
    assert content["habilitations"] == [
        {
            "role_label": "Centre agréé",
            "establishment_name": "Formation Plus Lyon",
            "siret": SIRET,
            "end_date": on(90).isoformat(),
        }
    ]
    assert event_types(world.requests.outbox) == ["habilitation.access_request.accepted.v1"]


async def test_a_retry_after_a_crash_grants_nothing_twice(world: World) -> None:
    grants = [grant(), grant(siret=SIRET_2)]
    world.requests.fail_next_update = True
    with pytest.raises(ConnectionError):
        await world.x.accept_access_request(
            ar.AcceptAccessRequestV1(actor=actor("alice"), access_request_id="r-1", habilitations=grants), CONTEXT
        )
    first = set(world.habilitations.items)

    reply = await world.x.accept_access_request(
        ar.AcceptAccessRequestV1(actor=actor("alice"), access_request_id="r-1", habilitations=grants), CONTEXT
    )

    assert reply.status == "accepted"
    assert set(world.habilitations.items) == first
    assert len(first) == 2
    assert len(emails(world.requests.outbox)) == 1


async def test_accepting_a_decided_request_again_is_a_wrong_state_and_grants_nothing(world: World) -> None:
    await world.x.refuse_access_request(
        ar.RefuseAccessRequestV1(actor=actor("alice"), access_request_id="r-1", reason=None), CONTEXT
    )

    with pytest.raises(WrongState):
        await world.x.accept_access_request(
            ar.AcceptAccessRequestV1(actor=actor("alice"), access_request_id="r-1", habilitations=[grant()]), CONTEXT
        )

    assert world.habilitations.items == {}


async def test_refuse_records_the_reason_the_event_and_e_mails_the_requester(world: World) -> None:
    reply = await world.x.refuse_access_request(
        ar.RefuseAccessRequestV1(actor=actor("alice"), access_request_id="r-1", reason="  Poste non concerné  "),
        CONTEXT,
    )

    stored = world.requests.items["r-1"]
    assert stored.state is RequestState.REFUSED
    assert (stored.decided_by, stored.decided_at, stored.reason) == ("alice", T0, "Poste non concerné")
    assert reply.reason == "Poste non concerné"
    [email] = emails(world.requests.outbox)
    assert email["to"] == "requester@example.fr"
    assert email["content"]["template"] == "access_refused"
    assert email["content"]["reason"] == "Poste non concerné"
    assert event_types(world.requests.outbox) == ["habilitation.access_request.refused.v1"]
    [event] = [m for m in world.requests.outbox if m.type.endswith("refused.v1")]
    assert '"reason":"Poste non concerné"' in event.body
    assert '"decided_by":"alice"' in event.body


async def test_refuse_with_a_reason_over_1000_characters_is_refused(world: World) -> None:
    with pytest.raises(InvalidInput) as refused:
        await world.x.refuse_access_request(
            ar.RefuseAccessRequestV1.model_construct(actor=actor("alice"), access_request_id="r-1", reason="x" * 1001),
            CONTEXT,
        )

    assert refused.value.field == "reason"
    assert world.requests.items["r-1"].state is RequestState.PENDING


async def test_refuse_with_a_reason_of_1000_characters_is_fine(world: World) -> None:
    reply = await world.x.refuse_access_request(
        ar.RefuseAccessRequestV1(actor=actor("alice"), access_request_id="r-1", reason="x" * 1000), CONTEXT
    )

    assert reply.status == "refused"


async def test_refuse_by_a_non_manager_finds_nothing(world: World) -> None:
    with pytest.raises(NotFound):
        await world.x.refuse_access_request(
            ar.RefuseAccessRequestV1(actor=actor("requester"), access_request_id="r-1", reason=None), CONTEXT
        )

    assert world.requests.outbox == []
