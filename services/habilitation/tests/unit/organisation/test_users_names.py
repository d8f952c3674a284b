"""The organisation's users views name each person's organisation and each habilitation's establishment."""

import pytest

from contracts import habilitation_management as hm
from services.habilitation.tests.unit.samples import CONTEXT, OTHER_SIREN, SIREN, SIRET, SIRET_2, World, actor


@pytest.fixture
def organisation() -> World:
    """alice manages; bea holds a habilitation on SIRET; eve, of the other organisation, one on SIRET_2."""
    world = World()
    world.manager("alice")
    world.member("bea")
    world.member("eve", siren=OTHER_SIREN)
    world.holding(id="h-bea", account_id="bea", siret=SIRET)
    world.holding(id="h-eve", account_id="eve", siret=SIRET_2)
    return world


async def test_each_user_shows_the_name_of_their_own_organisation(organisation: World) -> None:
    listing = await organisation.x.list_organisation_users(
        hm.ListOrganisationUsersV1(actor=actor("alice"), siren=SIREN), CONTEXT
    )

    by_id = {u.account_id: u.organisation_name for u in listing.users}
    assert by_id == {"alice": "Formation Plus", "bea": "Formation Plus", "eve": "Autre Structure"}


async def test_each_habilitation_shows_its_establishment_s_name(organisation: World) -> None:
    bea = await organisation.x.list_organisation_users.one(
        hm.GetOrganisationUserV1(actor=actor("alice"), siren=SIREN, account_id="bea"), CONTEXT
    )
    eve = await organisation.x.list_organisation_users.one(
        hm.GetOrganisationUserV1(actor=actor("alice"), siren=SIREN, account_id="eve"), CONTEXT
    )

    assert [(h.siret, h.establishment_name) for h in bea.habilitations] == [(SIRET, "Formation Plus Lyon")]
    assert [(h.siret, h.establishment_name) for h in eve.habilitations] == [(SIRET_2, "Formation Plus Nantes")]
    assert bea.organisation_name == "Formation Plus"


async def test_a_closed_establishment_and_an_unknown_organisation_have_no_name(organisation: World) -> None:
    organisation.directory.open.clear()

    bea = await organisation.x.list_organisation_users.one(
        hm.GetOrganisationUserV1(actor=actor("alice"), siren=SIREN, account_id="bea"), CONTEXT
    )

    assert bea.organisation_name is None
    assert bea.habilitations[0].establishment_name is None
    assert bea.habilitations[0].id == "h-bea"
