"""The access summary of `/me`, the users of an organisation as its managers see them, and role labels."""

import pytest

from contracts import habilitation_management as hm
from habilitation.domain.catalogue import role_label
from habilitation.domain.errors import NotFound
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
    on,
)


async def test_summary_lists_the_organisations_i_manage() -> None:
    world = World()
    world.manager("alice")
    world.manager("alice", siren=OTHER_SIREN)
    world.manager("bob")
    world.rights.items[f"bob:{SIREN}"].withdraw("alice", T0)

    assert (
        await world.x.get_access_summary(hm.GetAccessSummaryV1(actor=actor("alice")), CONTEXT)
    ).manager_of == sorted([SIREN, OTHER_SIREN])
    assert (await world.x.get_access_summary(hm.GetAccessSummaryV1(actor=actor("bob")), CONTEXT)).manager_of == []


async def test_summary_lists_only_habilitations_that_still_give_access() -> None:
    world = World()
    world.member("alice")
    world.manager("boss")
    world.holding(id="forever", account_id="alice", granted_by="boss")
    world.holding(id="tomorrow", account_id="alice", end_date=on(1))
    world.holding(id="today", account_id="alice", end_date=TODAY)
    world.holding(id="past", account_id="alice", end_date=on(-3))
    world.holding(id="revoked", account_id="alice").revoke("boss", T0)

    result = await world.x.get_access_summary(hm.GetAccessSummaryV1(actor=actor("alice")), CONTEXT)

    assert sorted(h.id for h in result.habilitations) == ["forever", "tomorrow"]
    assert {h.id: h.granted_by_name for h in result.habilitations}["forever"] == "Prénom-boss Nom-boss"


async def test_summary_counts_pending_requests_only_of_the_organisations_i_manage() -> None:
    world = World()
    world.manager("alice")
    world.pending(id="mine-1", account_id="u1")
    world.pending(id="mine-2", account_id="u2")
    world.pending(id="decided", account_id="u3").accept("alice", T0)
    world.pending(id="elsewhere", account_id="u4", siren=OTHER_SIREN, siret=OTHER_SIRET)

    assert (
        await world.x.get_access_summary(hm.GetAccessSummaryV1(actor=actor("alice")), CONTEXT)
    ).pending_access_requests_to_review == 2
    assert (
        await world.x.get_access_summary(hm.GetAccessSummaryV1(actor=actor("u1")), CONTEXT)
    ).pending_access_requests_to_review == 0


@pytest.fixture
def organisation() -> World:
    """alice manages; bea holds centre_agree on SIRET; carl holds gestionnaire_centres on SIRET_2;
    dan is a member with nothing; eve, from another organisation, holds a delegated habilitation."""
    world = World()
    world.manager("alice")
    world.member("bea")
    world.member("carl")
    world.member("dan")
    world.member("eve", siren=OTHER_SIREN)
    world.member("zed", siren=OTHER_SIREN)
    world.holding(id="h-bea", account_id="bea", granted_by="alice")
    world.holding(id="h-carl", account_id="carl", role="gestionnaire_centres", siret=SIRET_2)
    world.holding(id="h-eve", account_id="eve", role="centre_agree", siret=SIRET_2)
    world.holding(id="h-zed", account_id="zed", siren=OTHER_SIREN, siret=OTHER_SIRET)
    return world


async def test_users_are_the_members_plus_delegated_holders_from_elsewhere(organisation: World) -> None:
    listing = await organisation.x.list_organisation_users(
        hm.ListOrganisationUsersV1(actor=actor("alice"), siren=SIREN), CONTEXT
    )

    assert sorted(u.account_id for u in listing.users) == ["alice", "bea", "carl", "dan", "eve"]
    eve = next(u for u in listing.users if u.account_id == "eve")
    assert [h.id for h in eve.habilitations] == ["h-eve"]


async def test_users_show_the_manager_right_and_who_granted_each_habilitation(organisation: World) -> None:
    listing = await organisation.x.list_organisation_users(
        hm.ListOrganisationUsersV1(actor=actor("alice"), siren=SIREN), CONTEXT
    )

    by_id = {u.account_id: u for u in listing.users}
    assert by_id["alice"].manager_right is not None
    assert by_id["alice"].manager_right.via == "activation_code"
    assert by_id["bea"].manager_right is None
    assert by_id["bea"].habilitations[0].granted_by_name == "Prénom-alice Nom-alice"


async def test_users_filtered_by_role(organisation: World) -> None:
    listing = await organisation.x.list_organisation_users(
        hm.ListOrganisationUsersV1(actor=actor("alice"), siren=SIREN, role="gestionnaire_centres"), CONTEXT
    )

    assert [u.account_id for u in listing.users] == ["carl"]


async def test_users_filtered_by_siret(organisation: World) -> None:
    listing = await organisation.x.list_organisation_users(
        hm.ListOrganisationUsersV1(actor=actor("alice"), siren=SIREN, siret=SIRET_2), CONTEXT
    )

    assert sorted(u.account_id for u in listing.users) == ["carl", "eve"]


async def test_users_filtered_by_role_and_siret_need_one_habilitation_matching_both(organisation: World) -> None:
    listing = await organisation.x.list_organisation_users(
        hm.ListOrganisationUsersV1(actor=actor("alice"), siren=SIREN, role="centre_agree", siret=SIRET), CONTEXT
    )

    assert [u.account_id for u in listing.users] == ["bea"]


async def test_revoked_habilitations_are_not_listed(organisation: World) -> None:
    organisation.habilitations.items["h-bea"].revoke("alice", T0)

    listing = await organisation.x.list_organisation_users(
        hm.ListOrganisationUsersV1(actor=actor("alice"), siren=SIREN), CONTEXT
    )

    assert next(u for u in listing.users if u.account_id == "bea").habilitations == []


async def test_a_habilitation_past_its_end_date_is_not_listed(organisation: World) -> None:
    organisation.habilitations.items["h-carl"].end_date = on(-1)

    listing = await organisation.x.list_organisation_users(
        hm.ListOrganisationUsersV1(actor=actor("alice"), siren=SIREN, role="gestionnaire_centres"), CONTEXT
    )

    assert listing.users == []


@pytest.mark.parametrize("who", ["bea", "zed"])
async def test_a_non_manager_finds_no_users(organisation: World, who: str) -> None:
    with pytest.raises(NotFound):
        await organisation.x.list_organisation_users(hm.ListOrganisationUsersV1(actor=actor(who), siren=SIREN), CONTEXT)


async def test_one_user_of_the_organisation(organisation: World) -> None:
    user = await organisation.x.list_organisation_users.one(
        hm.GetOrganisationUserV1(actor=actor("alice"), siren=SIREN, account_id="carl"), CONTEXT
    )

    assert (user.account_id, user.email) == ("carl", "carl@example.fr")


async def test_one_user_from_elsewhere_is_not_found(organisation: World) -> None:
    with pytest.raises(NotFound):
        await organisation.x.list_organisation_users.one(
            hm.GetOrganisationUserV1(actor=actor("alice"), siren=SIREN, account_id="zed"), CONTEXT
        )


@pytest.mark.parametrize(
    ("service", "role", "label"),
    [
        ("ceres", "centre_agree", "Centre agréé"),
        ("ceres", "gestionnaire_centres", "Gestionnaire CENTRES"),
        ("ceres", "retired_role", "retired_role"),
        ("unknown", "centre_agree", "centre_agree"),
    ],
)
def test_role_labels_come_from_the_catalogue_else_the_code(service: str, role: str, label: str) -> None:
    assert role_label(service, role) == label
