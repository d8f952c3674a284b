"""SubmitAccessRequest: the checks before a request, and the e-mails and event it sends."""

import pytest

from contracts import access_requests as ar
from contracts.habilitation import ActorV1
from habilitation.domain.access_request import RequestState
from habilitation.domain.errors import Conflict, Forbidden, InvalidInput, NoManager
from services.habilitation.tests.unit.samples import (
    CONTEXT,
    OTHER_SIREN,
    OTHER_SIRET,
    SIREN,
    SIRET,
    SIRET_2,
    T0,
    World,
    actor,
    emails,
    event_types,
    events,
    on,
)


@pytest.fixture
def world() -> World:
    world = World()
    world.member("requester")
    world.manager("alice")
    world.manager("bob")
    return world


async def test_an_unknown_service_is_refused_on_the_service_field(world: World) -> None:
    with pytest.raises(InvalidInput) as refused:
        await world.x.submit_access_request(
            ar.SubmitAccessRequestV1(actor=actor("requester"), service="nope", siret=SIRET, message=None), CONTEXT
        )

    assert refused.value.field == "service"
    assert world.requests.items == {}


async def test_a_message_over_1000_characters_is_refused(world: World) -> None:
    with pytest.raises(InvalidInput) as refused:
        await world.x.submit_access_request(
            ar.SubmitAccessRequestV1.model_construct(
                actor=actor("requester"), service="ceres", siret=SIRET, message="x" * 1001
            ),
            CONTEXT,
        )

    assert refused.value.field == "message"
    assert "1000" in refused.value.detail


async def test_a_message_of_exactly_1000_characters_is_accepted(world: World) -> None:
    reply = await world.x.submit_access_request(
        ar.SubmitAccessRequestV1(actor=actor("requester"), service="ceres", siret=SIRET, message="x" * 1000), CONTEXT
    )

    assert reply.message == "x" * 1000


async def test_a_blank_message_is_stored_as_none(world: World) -> None:
    reply = await world.x.submit_access_request(
        ar.SubmitAccessRequestV1(actor=actor("requester"), service="ceres", siret=SIRET, message="   "), CONTEXT
    )

    assert reply.message is None


@pytest.mark.parametrize("siret", ["00000000000000", "closed"])
async def test_an_unknown_or_closed_siret_is_refused_on_the_siret_field(world: World, siret: str) -> None:
    if siret == "closed":
        siret = SIRET_2
        del world.directory.open[SIRET_2]

    with pytest.raises(InvalidInput) as refused:
        await world.x.submit_access_request(
            ar.SubmitAccessRequestV1(actor=actor("requester"), service="ceres", siret=siret, message=None), CONTEXT
        )

    assert refused.value.field == "siret"


async def test_holding_an_active_habilitation_for_the_service_and_organisation_is_a_conflict(world: World) -> None:
    world.holding(account_id="requester", siret=SIRET_2)

    with pytest.raises(Conflict, match="déjà accès"):
        await world.x.submit_access_request(
            ar.SubmitAccessRequestV1(actor=actor("requester"), service="ceres", siret=SIRET, message=None), CONTEXT
        )

    assert world.requests.items == {}


async def test_a_revoked_habilitation_does_not_prevent_a_new_request(world: World) -> None:
    world.holding(account_id="requester").revoke("alice", T0)

    reply = await world.x.submit_access_request(
        ar.SubmitAccessRequestV1(actor=actor("requester"), service="ceres", siret=SIRET, message=None), CONTEXT
    )

    assert reply.status == "pending"


async def test_a_habilitation_in_another_organisation_does_not_prevent_a_request(world: World) -> None:
    world.holding(account_id="requester", siren=OTHER_SIREN, siret=OTHER_SIRET)

    reply = await world.x.submit_access_request(
        ar.SubmitAccessRequestV1(actor=actor("requester"), service="ceres", siret=SIRET, message=None), CONTEXT
    )

    assert reply.siren == SIREN


async def test_a_habilitation_past_its_end_date_does_not_prevent_a_new_request(world: World) -> None:
    world.holding(account_id="requester", end_date=on(-1))

    reply = await world.x.submit_access_request(
        ar.SubmitAccessRequestV1(actor=actor("requester"), service="ceres", siret=SIRET, message=None), CONTEXT
    )

    assert reply.status == "pending"


async def test_an_organisation_without_active_manager_is_refused_with_a_pointer_to_the_dreets(world: World) -> None:
    world.member("other", siren=OTHER_SIREN)

    with pytest.raises(NoManager) as refused:
        await world.x.submit_access_request(
            ar.SubmitAccessRequestV1(
                actor=actor("requester", OTHER_SIREN), service="ceres", siret=OTHER_SIRET, message=None
            ),
            CONTEXT,
        )

    assert refused.value.code == "no_access_manager"
    assert "DREETS" in refused.value.detail


async def test_a_person_of_another_organisation_cannot_ask_access_to_this_one(world: World) -> None:
    with pytest.raises(Forbidden):
        await world.x.submit_access_request(
            ar.SubmitAccessRequestV1(actor=actor("requester", OTHER_SIREN), service="ceres", siret=SIRET, message=None),
            CONTEXT,
        )

    assert world.requests.items == {}


async def test_an_agent_cannot_ask_access_to_an_organisation(world: World) -> None:
    with pytest.raises(Forbidden):
        await world.x.submit_access_request(
            ar.SubmitAccessRequestV1(
                actor=ActorV1(account_id="agent-1", kind="agent"), service="ceres", siret=SIRET, message=None
            ),
            CONTEXT,
        )

    assert world.requests.items == {}


async def test_withdrawn_managers_do_not_count(world: World) -> None:
    for name in ("alice", "bob"):
        right = world.rights.items[f"{name}:{SIREN}"]
        right.withdraw("x", T0)

    with pytest.raises(NoManager):
        await world.x.submit_access_request(
            ar.SubmitAccessRequestV1(actor=actor("requester"), service="ceres", siret=SIRET, message=None), CONTEXT
        )


async def test_a_second_pending_request_for_the_same_service_and_organisation_is_a_conflict(world: World) -> None:
    await world.x.submit_access_request(
        ar.SubmitAccessRequestV1(actor=actor("requester"), service="ceres", siret=SIRET, message=None), CONTEXT
    )

    with pytest.raises(Conflict):
        await world.x.submit_access_request(
            ar.SubmitAccessRequestV1(actor=actor("requester"), service="ceres", siret=SIRET_2, message=None), CONTEXT
        )


async def test_success_e_mails_each_active_manager_once_with_the_request(world: World) -> None:
    reply = await world.x.submit_access_request(
        ar.SubmitAccessRequestV1(actor=actor("requester"), service="ceres", siret=SIRET, message="  Merci  "), CONTEXT
    )

    sent = emails(world.requests.outbox)
    assert sorted(e["to"] for e in sent) == ["alice@example.fr", "bob@example.fr"]
    for email in sent:
        content = email["content"]
        assert content["template"] == "access_request_received"
        assert content["requester_email"] == "requester@example.fr"
        assert content["siret"] == SIRET
        assert content["message"] == "Merci"
        assert content["requested_on"] == T0.date().isoformat()
        assert content["link"] == f"https://efp.example.fr/gestion-des-acces/demandes/{reply.id}"
        assert email["siren"] == SIREN
        assert email["mentions"] == ["requester"]  # the requester's name and address are in the body


async def test_success_records_a_submitted_event_caused_by_the_call(world: World) -> None:
    reply = await world.x.submit_access_request(
        ar.SubmitAccessRequestV1(actor=actor("requester"), service="ceres", siret=SIRET, message=None), CONTEXT
    )

    assert event_types(world.requests.outbox) == ["habilitation.access_request.submitted.v1"]
    [event] = events(world.requests.outbox, "habilitation.access_request.submitted.v1")
    assert event == {
        "access_request_id": reply.id,
        "account_id": "requester",
        "service": "ceres",
        "siren": SIREN,
        "siret": SIRET,
    }
    assert {(m.correlation_id, m.causation_id) for m in world.requests.outbox} == {("corr-1", "m-1")}


async def test_success_stores_a_pending_request_with_snapshot_names(world: World) -> None:
    reply = await world.x.submit_access_request(
        ar.SubmitAccessRequestV1(actor=actor("requester"), service="ceres", siret=SIRET, message=None), CONTEXT
    )

    stored = world.requests.items[reply.id]
    assert stored.state is RequestState.PENDING
    assert (stored.siren, stored.siret) == (SIREN, SIRET)
    assert (stored.organisation_name, stored.establishment_name) == ("Formation Plus", "Formation Plus Lyon")
    assert (stored.created_at, stored.last_sent_at) == (T0, T0)
    assert reply.requester_name == "Prénom-requester Nom-requester"
    assert reply.resendable_at == stored.resendable_at


async def test_a_requester_unknown_to_the_service_is_refused(world: World) -> None:
    del world.accounts.accounts["requester"]

    with pytest.raises(InvalidInput):
        await world.x.submit_access_request(
            ar.SubmitAccessRequestV1(actor=actor("requester"), service="ceres", siret=SIRET, message=None), CONTEXT
        )

    assert world.requests.items == {}
