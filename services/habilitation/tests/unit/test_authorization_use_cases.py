"""The store's answers to the gateway: an authorization check (its fallback) and the snapshot pages."""

from contracts.authorizations import ActiveHabilitationV1, AuthorizationV1
from habilitation.use_cases.check_authorization import CheckAuthorization
from habilitation.use_cases.list_active_habilitations import ActiveHabilitation, ListActiveHabilitations
from services.habilitation.tests.unit.core_fakes import SIRET, SIRET_2, T0, World, days, on


async def test_an_active_habilitation_allows_its_key_only() -> None:
    world = World()
    world.holding(id="h-1", end_date=on(3))
    check = CheckAuthorization(world.habilitations, world.clock)

    assert await check("holder", "ceres", "centre_agree", SIRET) == AuthorizationV1(
        allowed=True, habilitation_id="h-1", end_date=on(3)
    )
    refused = AuthorizationV1(allowed=False)
    assert await check("holder", "ceres", "gestionnaire_centres", SIRET) == refused
    assert await check("holder", "ceres", "centre_agree", SIRET_2) == refused
    assert await check("someone", "ceres", "centre_agree", SIRET) == refused


async def test_revoked_or_at_its_end_date_it_no_longer_allows() -> None:
    world = World()
    world.holding(id="dated", end_date=on(2))
    world.holding(id="revoked", siret=SIRET_2).revoke("manager", T0)
    check = CheckAuthorization(world.habilitations, world.clock)

    assert not (await check("holder", "ceres", "centre_agree", SIRET_2)).allowed
    world.clock.advance(days(2))
    assert not (await check("holder", "ceres", "centre_agree", SIRET)).allowed


async def test_the_longest_lasting_habilitation_answers() -> None:
    world = World()
    world.holding(id="ended", end_date=on(0))
    world.holding(id="dated", end_date=on(10))
    world.holding(id="open")
    check = CheckAuthorization(world.habilitations, world.clock)

    assert (await check("holder", "ceres", "centre_agree", SIRET)).habilitation_id == "open"


class FakeActive:
    def __init__(self, ids: list[str]) -> None:
        self.all = [ActiveHabilitation(i, f"acc-{i}", "ceres", "centre_agree", SIRET, None) for i in ids]

    async def page(self, after_id: str | None, limit: int) -> list[ActiveHabilitation]:
        return [h for h in self.all if after_id is None or h.id > after_id][:limit]


async def test_the_snapshot_comes_in_pages_until_a_short_one() -> None:
    pages = ListActiveHabilitations(FakeActive(["a", "b", "c", "d", "e"]))

    first = await pages(None, 2)
    second = await pages(first.next_after_id, 2)
    last = await pages(second.next_after_id, 2)

    assert [h.id for h in first.habilitations] == ["a", "b"]
    assert (first.next_after_id, second.next_after_id, last.next_after_id) == ("b", "d", None)
    assert last.habilitations == [
        ActiveHabilitationV1(
            id="e", account_id="acc-e", service="ceres", role="centre_agree", siret=SIRET, end_date=None
        )
    ]
