"""create_app()'s subscriptions, in memory (FastStream's TestRabbitBroker) over use cases on fakes: the
RPC queue answers its routes, the account events reach the local copies."""

from datetime import timedelta

from faststream.rabbit import TestRabbitBroker

from contracts.habilitation_management import GetRolesV1, RolesV1
from contracts.privacy import AccountDeletedV1, AccountEmailChangedV1, DeletionBlockersV1, GetDeletionBlockersV1
from contracts.rpc import PingV1, PongV1, RpcReply
from contracts.topology import EVENTS_EXCHANGE, rpc_queue
from habilitation.config import HabilitationSettings
from habilitation.main import create_app
from services.habilitation.tests.unit.samples import SIREN, T0, World, account_created, profile_updated

SETTINGS = HabilitationSettings(HABILITATION_SECRET_KEY="k" * 32)  # type: ignore[call-arg]


async def test_the_rpc_queue_answers_a_ping_and_a_roles_request() -> None:
    app = create_app(SETTINGS, World().x)

    async with TestRabbitBroker(app.broker) as broker:
        pong = await broker.request(PingV1().model_dump(), rpc_queue("habilitation"))
        roles = await broker.request(GetRolesV1(service="ceres").model_dump(), rpc_queue("habilitation"))

    assert RpcReply[PongV1].model_validate_json(pong.body).result == PongV1(service="habilitation")
    reply = RpcReply[RolesV1].model_validate_json(roles.body)
    assert reply.result is not None
    assert [r.role for r in reply.result.roles] == ["centre_agree", "gestionnaire_centres"]


async def test_an_account_event_reaches_the_account_copies() -> None:
    world = World()
    app = create_app(SETTINGS, world.x)

    async with TestRabbitBroker(app.broker) as broker:
        for number, event in enumerate((account_created(), profile_updated("Durand"))):
            body = event.model_dump(mode="json")
            await broker.publish(body, event.MESSAGE_TYPE, exchange=EVENTS_EXCHANGE, message_id=f"m-{number}")

    copy = world.accounts.accounts["a-1"]
    assert (copy.email, copy.last_name, copy.siren) == ("lea@example.fr", "Durand", SIREN)


async def test_the_email_change_and_the_deletion_reach_the_copy_and_the_blockers_are_answered() -> None:
    world = World()
    world.manager("a-1")
    app = create_app(SETTINGS, world.x)
    changed = AccountEmailChangedV1(account_id="a-1", email="lea.new@example.fr", changed_at=T0 + timedelta(hours=1))

    async with TestRabbitBroker(app.broker) as broker:
        await broker.publish(changed.model_dump(mode="json"), changed.MESSAGE_TYPE, exchange=EVENTS_EXCHANGE)
        assert world.accounts.accounts["a-1"].email == "lea.new@example.fr"
        ask = GetDeletionBlockersV1(account_id="a-1").model_dump()
        blockers = RpcReply[DeletionBlockersV1].model_validate_json(
            (await broker.request(ask, rpc_queue("habilitation"))).body
        )
        gone = AccountDeletedV1(account_id="a-1", email="lea.new@example.fr", deleted_at=T0)
        await broker.publish(gone.model_dump(mode="json"), gone.MESSAGE_TYPE, exchange=EVENTS_EXCHANGE)

    assert blockers.result is not None
    assert [o.siren for o in blockers.result.organisations] == [SIREN]
    assert world.accounts.accounts == {}
    assert await world.accounts.deleted("a-1")
