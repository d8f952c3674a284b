"""An in-memory organisations directory that keeps the Mongo adapter's rules, and sample builders."""

from collections.abc import Collection, Sequence

from identity.domain.organisation import Establishment, Organisation, is_valid_siren, is_valid_siret, search_key


class FakeOrganisationDirectory:
    """Like MongoOrganisationDirectory: upserts report what changed, `offered` is set by refresh_offered."""

    def __init__(self) -> None:
        self.organisations: dict[str, Organisation] = {}
        self.offered: dict[str, bool] = {}
        self.establishments: dict[str, Establishment] = {}
        self.batch_sizes: list[int] = []

    async def upsert_organisations(self, organisations: Sequence[Organisation]) -> int:
        self.batch_sizes.append(len(organisations))
        changed = 0
        for organisation in organisations:
            changed += self.organisations.get(organisation.siren) != organisation
            self.organisations[organisation.siren] = organisation
            self.offered.setdefault(organisation.siren, False)
        return changed

    async def upsert_establishments(self, establishments: Sequence[Establishment]) -> int:
        self.batch_sizes.append(len(establishments))
        changed = 0
        for establishment in establishments:
            changed += self.establishments.get(establishment.siret) != establishment
            self.establishments[establishment.siret] = establishment
        return changed

    async def refresh_offered(self, sirens: Collection[str]) -> None:
        with_open = {e.siren for e in self.establishments.values() if e.open and e.siren in sirens}
        for siren in sirens:
            if siren in self.organisations:
                self.offered[siren] = siren in with_open

    async def offered_organisations(self, sirens: Collection[str]) -> list[Organisation]:
        return sorted((self.organisations[s] for s in sirens if self.offered.get(s)), key=_by_name)

    async def search_offered(
        self, words: Sequence[str], limit: int, after: tuple[str, str] | None = None
    ) -> list[Organisation]:
        found = sorted(self._matching(words), key=_by_name)
        return [o for o in found if after is None or _by_name(o) > after][:limit]

    async def count_offered(self, words: Sequence[str], at_most: int) -> int:
        return min(len(self._matching(words)), at_most)

    def _matching(self, words: Sequence[str]) -> list[Organisation]:
        return [
            organisation
            for siren, organisation in self.organisations.items()
            if self.offered[siren] and all(any(t.startswith(w) for t in organisation.terms) for w in words)
        ]

    async def get_establishment(self, siret: str) -> Establishment | None:
        return self.establishments.get(siret)

    async def open_establishments(self, siren: str, limit: int) -> list[Establishment]:
        found = [e for e in self.establishments.values() if e.siren == siren and e.open]
        return sorted(found, key=lambda e: (not e.head_office, e.siret))[:limit]


def _by_name(organisation: Organisation) -> tuple[str, str]:
    return search_key(organisation.name), organisation.siren


def siren(n: int) -> str:
    """A valid made-up SIREN: 0000, then n on 4 digits, then the check digit."""
    base = f"0000{n:04d}"
    return next(base + digit for digit in "0123456789" if is_valid_siren(base + digit))


def siret(of_siren: str, n: int) -> str:
    base = f"{of_siren}{n:04d}"
    return next(base + digit for digit in "0123456789" if is_valid_siret(base + digit))


def establishment(
    of: Organisation, n: int, *, open: bool = True, name: str = "", city: str = "Annecy"
) -> Establishment:
    return Establishment(
        siret=siret(of.siren, n),
        siren=of.siren,
        name=name,
        address=f"{n} rue des Alpes",
        postcode="74000",
        city=city,
        open=open,
        head_office=n == 1,
    )


async def directory_with(
    organisations: Sequence[Organisation], establishments: Sequence[Establishment]
) -> FakeOrganisationDirectory:
    directory = FakeOrganisationDirectory()
    await directory.upsert_organisations(organisations)
    await directory.upsert_establishments(establishments)
    await directory.refresh_offered({o.siren for o in organisations})
    directory.batch_sizes.clear()
    return directory
