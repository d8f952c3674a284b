"""The directory's answers kept a while, over the real broker: a second access request for the same
establishment asks identity nothing (here a stand-in answering on its own request queue)."""

import uuid
from collections import Counter
from collections.abc import AsyncIterator
from functools import partial

import aio_pika
import pytest

from contracts.organisations import EstablishmentV1, GetOrganisationV1, OrganisationsFoundV1, OrganisationV1
from contracts.rpc import RpcReply
from contracts.topology import rpc_queue
from devstack.pytest_plugin import Infrastructure
from efp_runtime.rpc import RpcClient
from habilitation.adapters.cached_directory import CachedDirectory
from habilitation.adapters.rpc_directory import RpcDirectory

pytestmark = pytest.mark.integration
SIRET, SIREN = "00001622000011", "000016220"
ORGANISATION = OrganisationV1(
    siren=SIREN,
    name="Coopérative Agricole du Val de Loire",
    establishments=[EstablishmentV1(siret=SIRET, name="Siège", address="1 rue", postcode="45000", city="Orléans")],
)


async def answer(
    message: aio_pika.abc.AbstractIncomingMessage, channel: aio_pika.abc.AbstractChannel, asked: Counter[str]
) -> None:
    async with message.process():
        kind = message.type or ""
        asked[kind] += 1
        result = (
            ORGANISATION
            if kind == GetOrganisationV1.MESSAGE_TYPE
            else OrganisationsFoundV1(organisations=[ORGANISATION])
        )
        reply = RpcReply[type(result)](result=result).model_dump_json().encode()  # type: ignore[misc]
        await channel.default_exchange.publish(
            aio_pika.Message(reply, correlation_id=message.correlation_id), routing_key=message.reply_to or ""
        )


@pytest.fixture
async def stand_in(infrastructure: Infrastructure) -> AsyncIterator[tuple[str, Counter[str]]]:
    service, asked = f"directory-test-{uuid.uuid4().hex[:6]}", Counter[str]()
    connection = await aio_pika.connect(infrastructure.amqp_url)
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue(rpc_queue(service), exclusive=True, auto_delete=True)
        await queue.consume(partial(answer, channel=channel, asked=asked))
        yield service, asked


async def test_the_same_establishment_asked_twice_is_asked_of_identity_once(
    infrastructure: Infrastructure, stand_in: tuple[str, Counter[str]]
) -> None:
    service, asked = stand_in
    client = RpcClient(infrastructure.amqp_url, "habilitation-test", timeout_seconds=5)
    await client.connect()
    try:
        directory = CachedDirectory(RpcDirectory(client, service), max_age_seconds=60)
        found = await directory.establishment(SIRET)
        again = await directory.establishment(SIRET)
        listed = [await directory.establishments(SIREN) for _ in range(3)]
    finally:
        await client.close()
    assert found == again
    assert again is not None
    assert (again.siren, again.name) == (SIREN, "Siège")
    assert all([e.siret for e in establishments] == [SIRET] for establishments in listed)
    assert asked == {"identity.search_organisations.v1": 1, "identity.get_organisation.v1": 1}
