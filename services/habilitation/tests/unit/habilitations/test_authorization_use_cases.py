"""The store's answers to the gateway: an authorization check (its fallback) and the snapshot pages."""

from contracts import authorizations as az
from contracts.authorizations import ActiveHabilitationV1, AuthorizationV1
from habilitation.use_cases.habilitations.ports import ActiveHabilitation
from services.habilitation.tests.unit.samples import CONTEXT, SIRET, SIRET_2, T0, World, days, on


async def test_an_active_habilitation_allows_its_key_only() -> None:
    world = World()
    world.holding(id="h-1", end_date=on(3))
    check = world.x.check_authorization

    assert await check(
        az.CheckAuthorizationV1(account_id="holder", service="ceres", role="centre_agree", siret=SIRET), CONTEXT
    ) == AuthorizationV1(allowed=True, habilitation_id="h-1", end_date=on(3))
    refused = AuthorizationV1(allowed=False)
    assert (
        await check(
            az.CheckAuthorizationV1(account_id="holder", service="ceres", role="gestionnaire_centres", siret=SIRET),
            CONTEXT,
        )
        == refused
    )
    assert (
        await check(
            az.CheckAuthorizationV1(account_id="holder", service="ceres", role="centre_agree", siret=SIRET_2), CONTEXT
        )
        == refused
    )
    assert (
        await check(
            az.CheckAuthorizationV1(account_id="someone", service="ceres", role="centre_agree", siret=SIRET), CONTEXT
        )
        == refused
    )


async def test_revoked_or_at_its_end_date_it_no_longer_allows() -> None:
    world = World()
    world.holding(id="dated", end_date=on(2))
    world.holding(id="revoked", siret=SIRET_2).revoke("manager", T0)
    check = world.x.check_authorization

    assert not (
        await check(
            az.CheckAuthorizationV1(account_id="holder", service="ceres", role="centre_agree", siret=SIRET_2), CONTEXT
        )
    ).allowed
    world.clock.advance(days(2))
    assert not (
        await check(
            az.CheckAuthorizationV1(account_id="holder", service="ceres", role="centre_agree", siret=SIRET), CONTEXT
        )
    ).allowed


async def test_the_longest_lasting_habilitation_answers() -> None:
    world = World()
    world.holding(id="ended", end_date=on(0))
    world.holding(id="dated", end_date=on(10))
    world.holding(id="open")
    check = world.x.check_authorization

    assert (
        await check(
            az.CheckAuthorizationV1(account_id="holder", service="ceres", role="centre_agree", siret=SIRET), CONTEXT
        )
    ).habilitation_id == "open"


async def test_the_snapshot_comes_in_pages_until_a_short_one() -> None:
    world = World()
    world.active.fixed = [ActiveHabilitation(i, f"acc-{i}", "ceres", "centre_agree", SIRET, None) for i in "abcde"]
    pages = world.x.list_active_habilitations

    first = await pages(az.ListActiveHabilitationsV1(after_id=None, limit=2), CONTEXT)
    second = await pages(az.ListActiveHabilitationsV1(after_id=first.next_after_id, limit=2), CONTEXT)
    last = await pages(az.ListActiveHabilitationsV1(after_id=second.next_after_id, limit=2), CONTEXT)

    assert [h.id for h in first.habilitations] == ["a", "b"]
    assert (first.next_after_id, second.next_after_id, last.next_after_id) == ("b", "d", None)
    assert last.habilitations == [
        ActiveHabilitationV1(
            id="e", account_id="acc-e", service="ceres", role="centre_agree", siret=SIRET, end_date=None
        )
    ]
