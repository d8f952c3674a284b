"""CachedDirectory over the in-memory directory: found establishments kept a while, nothing else."""

from habilitation.adapters.cached_directory import CachedDirectory
from habilitation.fakes.people import FakeDirectory
from habilitation.use_cases.ports import Establishment

SIRET, SIREN = "00001622000011", "000016220"


class CountingDirectory(FakeDirectory):
    def __init__(self) -> None:
        super().__init__()
        self.asked: list[str] = []

    async def establishment(self, siret: str) -> Establishment | None:
        self.asked.append(siret)
        return await super().establishment(siret)

    async def establishments(self, siren: str) -> list[Establishment]:
        self.asked.append(siren)
        return await super().establishments(siren)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_an_establishment_found_is_asked_for_once_until_it_is_too_old() -> None:
    directory, clock = CountingDirectory(), Clock()
    directory.add(SIRET, SIREN, name="Siège")
    cached = CachedDirectory(directory, max_age_seconds=60, timer=clock)

    first = await cached.establishment(SIRET)
    # Spaces typed in the SIRET are the same establishment.
    again = await cached.establishment("000 016 220 00011")
    clock.now = 59.0
    still = await cached.establishment(SIRET)
    assert directory.asked == [SIRET]
    assert first == again == still
    assert first is not None
    assert first.name == "Siège"

    directory.add(SIRET, SIREN, name="Siège social")
    clock.now = 61.0
    renamed = await cached.establishment(SIRET)
    assert directory.asked == [SIRET, SIRET]
    assert renamed is not None
    assert renamed.name == "Siège social"


async def test_an_establishment_not_found_is_asked_for_again_and_seen_as_soon_as_it_opens() -> None:
    directory = CountingDirectory()
    cached = CachedDirectory(directory, max_age_seconds=60, timer=Clock())

    assert await cached.establishment(SIRET) is None
    assert await cached.establishments(SIREN) == []
    directory.add(SIRET, SIREN)
    assert await cached.establishment(SIRET) is not None
    assert [e.siret for e in await cached.establishments(SIREN)] == [SIRET]
    assert directory.asked == [SIRET, SIREN, SIRET, SIREN]


async def test_a_malformed_siret_asks_nobody() -> None:
    directory = CountingDirectory()
    cached = CachedDirectory(directory, max_age_seconds=60, timer=Clock())

    assert await cached.establishment("12") is None
    assert directory.asked == []


async def test_an_organisations_establishments_are_kept_and_each_caller_gets_its_own_list() -> None:
    directory = CountingDirectory()
    directory.add(SIRET, SIREN)
    cached = CachedDirectory(directory, max_age_seconds=60, timer=Clock())

    mine = await cached.establishments(SIREN)
    mine.clear()
    theirs = await cached.establishments(SIREN)
    assert [e.siret for e in theirs] == [SIRET]
    assert directory.asked == [SIREN]


async def test_the_oldest_entries_leave_when_it_is_full() -> None:
    directory = CountingDirectory()
    sirets = [f"0000162200{n:04d}" for n in range(3)]
    for siret in sirets:
        directory.add(siret, SIREN)
    cached = CachedDirectory(directory, max_age_seconds=60, max_entries=2, timer=Clock())

    for siret in [*sirets, sirets[0]]:
        await cached.establishment(siret)
    assert directory.asked == [*sirets, sirets[0]]
