"""What one organisation search may cost: a word of 3 characters, the longest word asked first, a bounded count."""

from collections.abc import Sequence

from contracts.organisations import OrganisationsFoundV1, SearchOrganisationsV1
from efp_runtime.message_context import MessageContext
from identity.domain.organisation import Organisation
from identity.fakes import FakeOrganisationDirectory, Fakes, directory_with, establishment, siren
from identity.use_cases.organisations.search_organisations import MAX_COUNTED

CONTEXT = MessageContext(message_id="m-15", correlation_id="corr-15")
EMERAUDE = Organisation(siren(1011), "Centre de Formation Émeraude", acronym="CFE")
LA_POSTE = Organisation("356000000", "La Poste")


async def found(directory: FakeOrganisationDirectory, q: str, limit: int = 20) -> OrganisationsFoundV1:
    return (
        await Fakes(directory=directory)
        .use_cases()
        .search_organisations(SearchOrganisationsV1(q=q, limit=limit), CONTEXT)
    )


async def sample() -> FakeOrganisationDirectory:
    return await directory_with([EMERAUDE, LA_POSTE], [establishment(EMERAUDE, 1), establishment(LA_POSTE, 1)])


async def test_short_words_still_narrow_a_query_that_has_a_long_one() -> None:
    directory = await sample()

    assert [o.siren for o in (await found(directory, "la poste")).organisations] == [LA_POSTE.siren]
    assert [o.siren for o in (await found(directory, "de formation")).organisations] == [EMERAUDE.siren]


async def test_the_directory_is_asked_with_the_longest_word_first(monkeypatch) -> None:
    directory, asked = await sample(), []
    search_offered = directory.search_offered

    async def recording(words: Sequence[str], limit: int, after: tuple[str, str] | None = None) -> list[Organisation]:
        asked.append(list(words))
        return await search_offered(words, limit, after)

    monkeypatch.setattr(directory, "search_offered", recording)

    await found(directory, "de formation centre")

    assert asked == [["formation", "centre", "de"]]


async def test_the_total_is_counted_up_to_a_thousand() -> None:
    many = [Organisation(siren(n), f"Formation {n}") for n in range(1, 1006)]
    directory = await directory_with(many, [establishment(o, 1) for o in many])

    answer = await found(directory, "formation", limit=5)

    assert answer.total == MAX_COUNTED == 1000
    assert len(answer.organisations) == 5
