"""Searching, looking up and importing the organisations directory, with an in-memory directory."""

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from contracts.organisations import GetOrganisationV1, OrganisationsFoundV1, OrganisationV1, SearchOrganisationsV1
from efp_runtime.message_context import MessageContext
from identity.composition import Identity
from identity.domain.errors import InvalidInput, NotFound
from identity.domain.organisation import Establishment, Organisation
from identity.fakes import FakeOrganisationDirectory, Fakes, directory_with, establishment, siren
from identity.use_cases.organisations.import_sirene import BATCH_SIZE, ImportCounts, ImportReport, SireneStock
from identity.use_cases.organisations.ports import RejectedRow
from identity.use_cases.organisations.search_organisations import ESTABLISHMENTS_PER_RESULT

EMERAUDE = Organisation(siren(1011), "Centre de Formation Émeraude", acronym="CFE")
EMERAUDE_BATIMENT = Organisation(siren(1952), "Émeraude Bâtiment")
LEMAN = Organisation(siren(1058), "Atelier Numérique du Léman")
FORGES = Organisation(siren(1669), "Société Nouvelle des Forges de l'Aube")  # every establishment closed
LA_POSTE = Organisation("356000000", "La Poste")
CONTEXT = MessageContext(message_id="m-14", correlation_id="corr-14")

EMERAUDE_ANNECY = establishment(EMERAUDE, 1)
EMERAUDE_CHAMBERY = establishment(EMERAUDE, 2, name="Émeraude Chambéry", city="Chambéry")
EMERAUDE_LYON = establishment(EMERAUDE, 3, open=False, name="Émeraude Lyon", city="Lyon")
LA_POSTE_HEAD_OFFICE = Establishment(
    "35600000000048", "356000000", "", "9 rue du Colonel Pierre Avia", "75015", "Paris", True, True
)
LA_POSTE_ANNECY = Establishment(
    "35600000090052", "356000000", "Bureau de poste", "4 rue du Lac", "74000", "Annecy", True
)


@pytest.fixture
async def directory() -> FakeOrganisationDirectory:
    return await directory_with(
        [EMERAUDE, EMERAUDE_BATIMENT, LEMAN, FORGES, LA_POSTE],
        [
            EMERAUDE_ANNECY,
            EMERAUDE_CHAMBERY,
            EMERAUDE_LYON,
            establishment(EMERAUDE_BATIMENT, 1),
            establishment(LEMAN, 1),
            establishment(FORGES, 1, open=False),
            establishment(FORGES, 2, open=False),
            LA_POSTE_HEAD_OFFICE,
            LA_POSTE_ANNECY,
        ],
    )


def on(directory: FakeOrganisationDirectory) -> Identity:
    return Fakes(directory=directory).use_cases()


async def found(
    directory: FakeOrganisationDirectory, q: str, limit: int = 20, after: list[str] | None = None
) -> OrganisationsFoundV1:
    return await on(directory).search_organisations(SearchOrganisationsV1(q=q, limit=limit, after=after), CONTEXT)


async def search(directory: FakeOrganisationDirectory, q: str, limit: int = 20) -> list[tuple[str, list[str]]]:
    return [(o.siren, [e.siret for e in o.establishments]) for o in (await found(directory, q, limit)).organisations]


async def get(directory: FakeOrganisationDirectory, number: str) -> OrganisationV1:
    return await on(directory).get_organisation(GetOrganisationV1(siren=number), CONTEXT)


async def load(directory: FakeOrganisationDirectory, *rows: Any, batch_size: int = BATCH_SIZE) -> ImportReport:
    return await on(directory).import_sirene(SireneStock(*rows, batch_size=batch_size))


@pytest.mark.parametrize("q", ["", " ", "a", "  é  ", "em", "la", "a b c d", "l'a", "35"])
async def test_a_query_without_a_word_of_3_characters_is_refused(directory, q: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        await found(directory, q)
    assert refused.value.field == "q"
    assert "au moins 3 lettres ou chiffres" in refused.value.detail


async def test_a_query_longer_than_100_characters_is_refused(directory) -> None:
    with pytest.raises(InvalidInput):
        await found(directory, "formation " * 11)


@pytest.mark.parametrize("q", ["emer", "ÉMERAUDE", "Émeraude", "  emeraude  "])
async def test_words_match_name_prefixes_whatever_the_accents_and_case(directory, q: str) -> None:
    assert [s for s, _ in await search(directory, q)] == [EMERAUDE_BATIMENT.siren, EMERAUDE.siren]


async def test_every_word_must_match(directory) -> None:
    assert [s for s, _ in await search(directory, "centre émer")] == [EMERAUDE.siren]
    assert await search(directory, "centre leman") == []


async def test_an_acronym_finds_its_organisation(directory) -> None:
    assert [s for s, _ in await search(directory, "cfe")] == [EMERAUDE.siren]


async def test_closed_establishments_are_not_offered_head_office_first(directory) -> None:
    [(_, sirets)] = await search(directory, "centre de formation")
    assert sirets == [EMERAUDE_ANNECY.siret, EMERAUDE_CHAMBERY.siret]


async def test_an_organisation_whose_establishments_are_all_closed_is_not_offered(directory) -> None:
    assert await search(directory, "forges") == []
    assert await search(directory, FORGES.siren) == []
    with pytest.raises(NotFound):
        await get(directory, FORGES.siren)


async def test_a_siren_finds_its_organisation(directory) -> None:
    assert await search(directory, "356 000 000") == [
        ("356000000", [LA_POSTE_HEAD_OFFICE.siret, LA_POSTE_ANNECY.siret])
    ]


async def test_a_spaced_siret_finds_its_organisation_with_that_establishment_first(directory) -> None:
    assert await search(directory, "356 000 000 90052") == [
        ("356000000", [LA_POSTE_ANNECY.siret, LA_POSTE_HEAD_OFFICE.siret])
    ]


async def test_a_closed_establishment_is_not_found_by_its_siret(directory) -> None:
    assert await search(directory, EMERAUDE_LYON.siret) == []


@pytest.mark.parametrize("q", ["000010117", "00001011600011", "123456789"])
async def test_a_number_that_is_no_known_siren_or_siret_finds_nothing(directory, q: str) -> None:
    assert await search(directory, q) == []


async def test_results_are_at_most_the_limit(directory) -> None:
    assert len(await search(directory, "emeraude", limit=1)) == 1


async def test_a_name_starting_with_the_query_comes_before_the_others_then_by_name(directory) -> None:
    more = [Organisation(siren(2000 + i), f"Centre Émeraude Annexe {i}") for i in range(3)]
    await directory.upsert_organisations(more)
    await directory.upsert_establishments([establishment(o, 1) for o in more])
    await directory.refresh_offered({o.siren for o in more})
    found = await search(directory, "centre emeraude")
    assert [s for s, _ in found] == [*(o.siren for o in more), EMERAUDE.siren]
    assert (await search(directory, "emeraude"))[0][0] == EMERAUDE_BATIMENT.siren


async def test_an_establishment_without_a_name_goes_by_the_organisation_name(directory) -> None:
    result = await found(directory, "centre de formation")
    names = [e.name for e in result.organisations[0].establishments]
    assert names == ["Centre de Formation Émeraude", "Émeraude Chambéry"]


async def test_a_result_lists_a_bounded_number_of_establishments(directory) -> None:
    many = [replace(LA_POSTE_ANNECY, siret=f"356000000{n:05d}") for n in range(10_000, 10_200)]
    await directory.upsert_establishments(many)
    [(_, sirets)] = await search(directory, "la poste")
    assert len(sirets) == ESTABLISHMENTS_PER_RESULT


async def test_get_organisation_returns_its_open_establishments(directory) -> None:
    organisation = await get(directory, EMERAUDE.siren)
    assert (organisation.name, [e.siret for e in organisation.establishments]) == (
        "Centre de Formation Émeraude",
        [EMERAUDE_ANNECY.siret, EMERAUDE_CHAMBERY.siret],
    )


async def test_get_organisation_of_an_unknown_siren_is_not_found(directory) -> None:
    with pytest.raises(NotFound):
        await get(directory, siren(9000))


async def test_get_organisation_of_an_invalid_siren_is_refused(directory) -> None:
    with pytest.raises(InvalidInput) as refused:
        await get(directory, "000010117")
    assert refused.value.field == "siren"


# --- import ---------------------------------------------------------------------------


async def test_import_writes_organisations_then_establishments_and_counts_them() -> None:
    directory = FakeOrganisationDirectory()
    report = await load(
        directory,
        [EMERAUDE, RejectedRow(3, "SIREN invalide"), LEMAN, FORGES],
        [EMERAUDE_ANNECY, EMERAUDE_LYON, establishment(FORGES, 1, open=False)],
        batch_size=2,
    )
    assert report.organisations == ImportCounts(read=4, written=3, changed=3, skipped_invalid=1)
    assert report.establishments == ImportCounts(read=3, written=3, changed=3, skipped_invalid=0)
    assert directory.batch_sizes == [2, 1, 2, 1]
    assert directory.offered == {EMERAUDE.siren: True, LEMAN.siren: False, FORGES.siren: False}


async def test_importing_the_same_rows_again_changes_nothing() -> None:
    directory = FakeOrganisationDirectory()
    rows = ([EMERAUDE, LEMAN], [EMERAUDE_ANNECY, EMERAUDE_LYON, establishment(LEMAN, 1)])
    await load(directory, *rows)
    before = (dict(directory.organisations), dict(directory.establishments), dict(directory.offered))
    again = await load(directory, *rows)
    assert (again.organisations.changed, again.establishments.changed) == (0, 0)
    assert (again.organisations.written, again.establishments.written) == (2, 3)
    assert (directory.organisations, directory.establishments, directory.offered) == before


async def test_an_organisation_whose_establishments_span_two_batches_is_offered() -> None:
    directory = FakeOrganisationDirectory()
    closed_then_open = [establishment(EMERAUDE, 1, open=False), establishment(EMERAUDE, 2)]
    await load(directory, [EMERAUDE], closed_then_open, batch_size=1)
    assert directory.offered[EMERAUDE.siren] is True


async def test_an_organisation_is_withdrawn_when_a_new_stock_closes_its_last_establishment() -> None:
    directory = FakeOrganisationDirectory()
    await load(directory, [LEMAN], [establishment(LEMAN, 1)])
    await load(directory, [LEMAN], [establishment(LEMAN, 1, open=False)])
    assert (await found(directory, "leman")).organisations == []


async def test_import_never_holds_more_than_one_batch_of_a_large_stream() -> None:
    batch_size = 1_000
    produced = 0

    class CountingDirectory(FakeOrganisationDirectory):
        """Records how many rows were produced but not yet written when each batch arrives."""

        def __init__(self) -> None:
            super().__init__()
            self.written = 0
            self.most_in_flight = 0

        async def upsert_establishments(self, establishments: list[Establishment]) -> int:
            self.most_in_flight = max(self.most_in_flight, produced - self.written)
            self.written += len(establishments)
            return len(establishments)

        async def refresh_offered(self, sirens) -> None:
            return None

    def rows() -> Iterator[Establishment]:
        nonlocal produced
        for n in range(50_000):
            produced += 1
            yield Establishment(f"{n:014d}", EMERAUDE.siren, "", "", "74000", "Annecy", True)

    directory = CountingDirectory()
    report = await load(directory, [], rows(), batch_size=batch_size)
    assert report.establishments.written == 50_000
    assert directory.most_in_flight == batch_size


async def test_a_search_by_words_pages_in_name_order_and_counts_every_match(
    directory: FakeOrganisationDirectory,
) -> None:
    first = await found(directory, "emeraude", 1)
    assert first.next_after is not None
    second = await found(directory, "emeraude", 1, first.next_after)

    assert (first.total, second.total) == (2, 2)
    assert [o.siren for o in first.organisations + second.organisations] == [EMERAUDE.siren, EMERAUDE_BATIMENT.siren]
    assert second.next_after is None


async def test_a_cursor_of_another_shape_is_refused_on_the_cursor_field(directory: FakeOrganisationDirectory) -> None:
    with pytest.raises(InvalidInput) as refused:
        await found(directory, "emeraude", 1, ["x"])

    assert refused.value.field == "cursor"
