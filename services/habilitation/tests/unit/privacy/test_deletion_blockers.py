"""GetDeletionBlockers: the organisations of which the account is the last usable access manager."""

import uuid

from contracts.privacy import BlockingOrganisationV1, GetDeletionBlockersV1
from habilitation.domain.activation import Activation
from habilitation.domain.manager_right import ManagerRightState
from services.habilitation.tests.unit.samples import CONTEXT, OTHER_SIREN, SIREN, SIRET, T0, World


def activation(account_id: str, siren: str, name: str) -> Activation:
    return Activation.start(
        id=str(uuid.uuid4()),
        account_id=account_id,
        activation_code_id="code-1",
        service="ceres",
        siret=SIRET,
        siren=siren,
        organisation_name=name,
        charter_version="2024-11",
        started_at=T0,
    )


async def blockers(world: World, account_id: str) -> list[BlockingOrganisationV1]:
    reply = await world.x.get_deletion_blockers(GetDeletionBlockersV1(account_id=account_id), CONTEXT)
    return reply.organisations


async def test_the_only_manager_of_an_organisation_is_blocked_with_its_name() -> None:
    world = World()
    world.manager("alice")
    await world.activations.add(activation("alice", SIREN, "Formation Plus"))

    assert await blockers(world, "alice") == [BlockingOrganisationV1(siren=SIREN, name="Formation Plus")]


async def test_a_manager_with_a_colleague_is_not_blocked() -> None:
    world = World()
    world.manager("alice")
    world.manager("bob")

    assert await blockers(world, "alice") == []


async def test_only_the_organisations_left_without_manager_are_named() -> None:
    world = World()
    world.manager("alice")
    world.manager("alice", OTHER_SIREN)
    world.manager("bob", OTHER_SIREN)

    assert await blockers(world, "alice") == [BlockingOrganisationV1(siren=SIREN, name=None)]


async def test_an_appointed_colleague_who_has_not_accepted_the_charter_does_not_count() -> None:
    world = World()
    world.manager("alice")
    world.rights.give("bob", SIREN, ManagerRightState.APPOINTED)

    assert [b.siren for b in await blockers(world, "alice")] == [SIREN]
    assert await blockers(world, "bob") == []  # an appointed right blocks nothing


async def test_an_account_without_right_or_withdrawn_is_not_blocked() -> None:
    world = World()
    world.member("carol")
    world.rights.give("dave", SIREN, ManagerRightState.WITHDRAWN)

    assert await blockers(world, "carol") == []
    assert await blockers(world, "dave") == []
