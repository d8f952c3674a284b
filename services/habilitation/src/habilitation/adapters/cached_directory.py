"""The organisations directory, its answers kept a short while: an access request, a grant or a users page
no longer asks identity for the same establishment each time (one RPC and three reads of identity's store).

Only what was found is kept: an establishment that opens, or is typed right the second time, is seen at
once. What identity changes (a directory import closing or renaming an establishment) reaches this
service within `max_age_seconds` (HABILITATION_DIRECTORY_CACHE_SECONDS, 60 by default; 0 keeps nothing).
"""

import time
from collections.abc import Callable

from cachetools import TTLCache

from habilitation.domain.siret import normalize_siret
from habilitation.use_cases.ports import Directory, Establishment

MAX_ENTRIES = 4096


class CachedDirectory:
    def __init__(
        self,
        directory: Directory,
        max_age_seconds: float,
        max_entries: int = MAX_ENTRIES,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        self._directory = directory
        self._by_siret: TTLCache[str, Establishment] = TTLCache(max_entries, max_age_seconds, timer)
        self._by_siren: TTLCache[str, tuple[Establishment, ...]] = TTLCache(max_entries, max_age_seconds, timer)

    async def establishment(self, siret: str) -> Establishment | None:
        compact = normalize_siret(siret)
        if compact is None:
            return None
        found = self._by_siret.get(compact)
        if found is None:
            found = await self._directory.establishment(compact)
            if found is not None:
                self._by_siret[compact] = found
        return found

    async def establishments(self, siren: str) -> list[Establishment]:
        found = self._by_siren.get(siren)
        if found is None:
            found = tuple(await self._directory.establishments(siren))
            if found:
                self._by_siren[siren] = found
        # A new list each time: the caller may change it, the cached answer stays as it was.
        return list(found)
