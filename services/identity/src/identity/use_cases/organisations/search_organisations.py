"""Search the organisations directory by SIREN, SIRET or words of the raison sociale."""

from contracts.organisations import OrganisationsFoundV1, OrganisationV1, SearchOrganisationsV1
from efp_runtime.message_context import MessageContext
from identity.domain.errors import InvalidInput
from identity.domain.organisation import (
    SIREN_LENGTH,
    SIRET_LENGTH,
    Organisation,
    compact_number,
    is_valid_siren,
    is_valid_siret,
    search_key,
)
from identity.use_cases.organisations.ports import OrganisationDirectory
from identity.use_cases.organisations.views import organisation_v1

# A word of 1 or 2 letters starts too many names: matching them all, to sort and count, is the costly
# part of a search. Shorter words still narrow a search that has one long enough (« la poste »).
MIN_WORD_LENGTH = 3
MAX_QUERY_LENGTH = 100
MAX_LIMIT = 50
# Every word is one more prefix condition; past a few, a query only gets slower, not sharper.
MAX_WORDS = 8
# A result is a choice to make, not the full list: La Poste alone has thousands of establishments.
ESTABLISHMENTS_PER_RESULT = 50
# `total` is counted up to here, not further: past it the person needs a sharper query, not a number.
MAX_COUNTED = 1000

TOO_SHORT = "Saisissez au moins 3 lettres ou chiffres d'un mot de la raison sociale, ou un numéro SIREN ou SIRET."
TOO_LONG = "La recherche ne doit pas dépasser 100 caractères."
AFTER_LENGTH = 2  # name key, SIREN
BAD_CURSOR = "Le curseur de pagination n'est pas valide : recommencez depuis la première page."


class SearchOrganisations:
    def __init__(self, directory: OrganisationDirectory) -> None:
        self._directory = directory

    async def __call__(self, request: SearchOrganisationsV1, context: MessageContext) -> OrganisationsFoundV1:
        text, after = request.q.strip(), request.after
        if len(text) > MAX_QUERY_LENGTH:
            raise InvalidInput(TOO_LONG, field="q")
        if after is not None and len(after) != AFTER_LENGTH:
            raise InvalidInput(BAD_CURSOR, field="cursor")
        limit = max(1, min(request.limit, MAX_LIMIT))
        number = compact_number(text)
        if number is not None and len(number) == SIREN_LENGTH:
            found = await self._by_siren(number)
        elif number is not None and len(number) == SIRET_LENGTH:
            found = await self._by_siret(number)
        elif any(len(word) >= MIN_WORD_LENGTH for word in search_key(text).split()):
            return await self._by_words(text, limit, (after[0], after[1]) if after else None)
        else:
            raise InvalidInput(TOO_SHORT, field="q")
        return OrganisationsFoundV1(organisations=found, total=len(found))

    async def _by_siren(self, siren: str) -> list[OrganisationV1]:
        if not is_valid_siren(siren):
            return []
        return await self._present_all(await self._directory.offered_organisations([siren]))

    async def _by_siret(self, siret: str) -> list[OrganisationV1]:
        # A closed establishment is not offered, even by its exact number.
        establishment = await self._directory.get_establishment(siret) if is_valid_siret(siret) else None
        if establishment is None or not establishment.open:
            return []
        organisations = await self._directory.offered_organisations([establishment.siren])
        if not organisations:
            return []
        others = await self._directory.open_establishments(establishment.siren, ESTABLISHMENTS_PER_RESULT)
        # The establishment asked for comes first, then its siblings.
        siblings = [other for other in others if other.siret != siret][: ESTABLISHMENTS_PER_RESULT - 1]
        return [organisation_v1(organisations[0], [establishment, *siblings])]

    async def _by_words(self, text: str, limit: int, after: tuple[str, str] | None) -> OrganisationsFoundV1:
        key = search_key(text)
        # The longest first: the directory narrows on the first word (see the port).
        words = sorted(key.split(), key=len, reverse=True)[:MAX_WORDS]
        organisations = await self._directory.search_offered(words, limit + 1, after)
        more, organisations = len(organisations) > limit, organisations[:limit]
        last = organisations[-1] if more else None
        next_after = [search_key(last.name), last.siren] if last else None
        # Pages follow the name order; within a page, a name that is the query, then one that starts
        # with it, comes first.
        organisations.sort(key=lambda organisation: _closeness(search_key(organisation.name), key))
        total = await self._directory.count_offered(words, MAX_COUNTED)
        return OrganisationsFoundV1(
            organisations=await self._present_all(organisations), next_after=next_after, total=total
        )

    async def _present_all(self, organisations: list[Organisation]) -> list[OrganisationV1]:
        results = []
        for organisation in organisations:
            establishments = await self._directory.open_establishments(organisation.siren, ESTABLISHMENTS_PER_RESULT)
            # The stored flag may lag behind an import in progress: the establishments have the last word.
            if establishments:
                results.append(organisation_v1(organisation, establishments))
        return results


def _closeness(name_key: str, query_key: str) -> int:
    if name_key == query_key:
        return 0
    return 1 if name_key.startswith(query_key) else 2
