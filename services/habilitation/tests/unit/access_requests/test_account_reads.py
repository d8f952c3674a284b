"""Submitting and deciding an access request read each account copy they need once (each read is a store
round trip on the path bench/request_to_email.py measures), and answer as before."""

from typing import Any

import pytest

from contracts import access_requests as ar
from contracts.habilitation import HabilitationGrantV1
from services.habilitation.tests.unit.samples import CONTEXT, SIRET, World, actor, emails


class CountedReads:
    """The world's account copies, counting the reads."""

    def __init__(self, world: World) -> None:
        self.reads: list[tuple[str, Any]] = []
        accounts = world.accounts
        get, many = accounts.get, accounts.many

        async def counted_get(account_id: str) -> Any:
            self.reads.append(("get", account_id))
            return await get(account_id)

        async def counted_many(account_ids: list[str]) -> Any:
            self.reads.append(("many", sorted(account_ids)))
            return await many(account_ids)

        accounts.get, accounts.many = counted_get, counted_many  # type: ignore[method-assign]

    def requester_reads(self) -> int:
        return sum(1 for _, ids in self.reads if "requester" in ([ids] if isinstance(ids, str) else ids))


@pytest.fixture
def world() -> World:
    world = World()
    world.member("requester")
    world.manager("alice")
    world.manager("bob")
    return world


async def test_a_submission_reads_the_requester_and_the_managers_together(world: World) -> None:
    counted = CountedReads(world)

    reply = await world.x.submit_access_request(
        ar.SubmitAccessRequestV1(actor=actor("requester"), service="ceres", siret=SIRET, message=None), CONTEXT
    )

    assert counted.reads == [("many", ["alice", "bob", "requester"])]
    assert sorted(email["to"] for email in emails(world.requests.outbox)) == ["alice@example.fr", "bob@example.fr"]
    assert reply.requester_email == "requester@example.fr"


async def test_a_manager_asking_for_access_is_e_mailed_once_as_a_manager(world: World) -> None:
    world.manager("requester")

    await world.x.submit_access_request(
        ar.SubmitAccessRequestV1(actor=actor("requester"), service="ceres", siret=SIRET, message=None), CONTEXT
    )

    recipients = sorted(email["to"] for email in emails(world.requests.outbox))
    assert recipients == ["alice@example.fr", "bob@example.fr", "requester@example.fr"]


async def test_a_refusal_reads_the_requester_once_and_names_them(world: World) -> None:
    world.pending()
    counted = CountedReads(world)

    reply = await world.x.refuse_access_request(
        ar.RefuseAccessRequestV1(actor=actor("alice"), access_request_id="r-1", reason=None), CONTEXT
    )

    assert counted.requester_reads() == 1
    assert reply.requester_email == "requester@example.fr"


async def test_refusing_a_deleted_requester_s_request_names_no_one_and_e_mails_no_one(world: World) -> None:
    world.pending()
    world.accounts.accounts.pop("requester")

    reply = await world.x.refuse_access_request(
        ar.RefuseAccessRequestV1(actor=actor("alice"), access_request_id="r-1", reason=None), CONTEXT
    )

    assert reply.requester_email is None
    assert emails(world.requests.outbox) == []


async def test_an_acceptance_reads_the_requester_once(world: World) -> None:
    world.pending()
    counted = CountedReads(world)

    reply = await world.x.accept_access_request(
        ar.AcceptAccessRequestV1(
            actor=actor("alice"),
            access_request_id="r-1",
            habilitations=[HabilitationGrantV1(role="centre_agree", siret=SIRET)],
        ),
        CONTEXT,
    )

    assert counted.requester_reads() == 1
    assert reply.requester_email == "requester@example.fr"
