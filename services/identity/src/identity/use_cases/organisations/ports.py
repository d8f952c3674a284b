"""The port of the organisations directory, and the rows the stock-file readers hand to the import."""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Protocol

from identity.domain.organisation import Establishment, Organisation


@dataclass(frozen=True)
class RejectedRow:
    """A stock-file row that cannot be imported (e.g. a wrong check digit): counted, never fatal."""

    line: int
    reason: str


class OrganisationDirectory(Protocol):
    async def upsert_organisations(self, organisations: Sequence[Organisation]) -> int:
        """Insert or replace by SIREN in one bulk write; returns how many were inserted or changed."""
        ...

    async def upsert_establishments(self, establishments: Sequence[Establishment]) -> int:
        """Insert or replace by SIRET in one bulk write; returns how many were inserted or changed."""
        ...

    async def refresh_offered(self, sirens: Collection[str]) -> None:
        """Record, for each of these organisations, whether it has at least one open establishment."""
        ...

    async def offered_organisations(self, sirens: Collection[str]) -> list[Organisation]:
        """Those of these organisations that have an open establishment."""
        ...

    async def search_offered(
        self, words: Sequence[str], limit: int, after: tuple[str, str] | None = None
    ) -> list[Organisation]:
        """Organisations with an open establishment whose terms start with every word, by name (the
        search key of the name, then SIREN); `after`: strictly after that (name key, SIREN). At most
        `limit`, bounded in the store's query; the store narrows on the first word, the others filter."""
        ...

    async def count_offered(self, words: Sequence[str], at_most: int) -> int:
        """How many organisations `search_offered` finds with these words, every page together, counting
        no further than `at_most` (the store stops there)."""
        ...

    async def get_establishment(self, siret: str) -> Establishment | None: ...

    async def open_establishments(self, siren: str, limit: int) -> list[Establishment]:
        """Its open establishments, head office first, then by SIRET."""
        ...
