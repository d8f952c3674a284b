"""The organisations' users listing, computed in memory from the fake accounts and habilitations."""

from habilitation.domain.habilitation import HabilitationState
from habilitation.domain.name_search import name_key, search_words
from habilitation.use_cases.ports import UsersPage, UsersQuery
from services.habilitation.tests.unit.core_fakes import FakeAccounts, FakeHabilitations


class FakeUserListing:
    """What MongoOrganisationUsers answers, without the store: members plus valid holders, sorted by name."""

    def __init__(self, accounts: FakeAccounts, habilitations: FakeHabilitations) -> None:
        self._accounts = accounts
        self._habilitations = habilitations

    async def page(self, query: UsersQuery) -> UsersPage:
        valid = [
            h
            for h in self._habilitations.all()
            if h.siren == query.siren and h.state is HabilitationState.ACTIVE and h.allows(query.today)
        ]
        if query.role or query.siret:
            matching = {
                h.account_id
                for h in valid
                if (not query.role or h.role == query.role) and (not query.siret or h.siret == query.siret)
            }
        else:
            matching = {h.account_id for h in valid} | {
                a.account_id for a in self._accounts.accounts.values() if a.siren == query.siren
            }
        keys = []
        for account_id in matching:
            person = self._accounts.accounts.get(account_id)
            last, first = (person.last_name, person.first_name) if person else ("", "")
            if query.q and not any(w.startswith(name_key(query.q)) for w in search_words(last, first)):
                continue
            keys.append((name_key(last), name_key(first), account_id))
        keys.sort()
        total = len(keys)
        if query.after:
            keys = [k for k in keys if k > query.after]
        shown = keys[: query.limit] if query.limit is not None else keys
        more = query.limit is not None and len(keys) > query.limit
        return UsersPage(
            account_ids=[k[2] for k in shown],
            next_after=shown[-1] if more else None,
            total=total,
        )

    async def matching(self, siren: str, q: str) -> list[str]:
        return [
            a.account_id
            for a in self._accounts.accounts.values()
            if a.siren == siren
            and any(w.startswith(name_key(q)) for w in [*search_words(a.last_name, a.first_name), a.email])
        ]
