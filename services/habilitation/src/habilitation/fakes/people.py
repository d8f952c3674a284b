"""In-memory people: the account copies, the organisations directory, the invitees' accounts, the users listing."""

from datetime import datetime
from typing import Any

from contracts.invited_accounts import CreateInvitedAccountV1
from habilitation.domain.errors import InvalidInput
from habilitation.domain.habilitation import HabilitationState
from habilitation.domain.name_search import name_key, search_words
from habilitation.fakes.stores import FakeHabilitations
from habilitation.use_cases.invitations.ports import InvitedAccount
from habilitation.use_cases.organisation.ports import UsersPage, UsersQuery
from habilitation.use_cases.ports import AccountCopy, Establishment

# The organisation the fakes' invitees belong to unless told otherwise.
SIREN = "123456789"


class FakeAccounts:
    def __init__(self, *accounts: AccountCopy) -> None:
        self.accounts: dict[str, AccountCopy] = {a.account_id: a for a in accounts}
        # The deleted accounts' copies, as `{account_id: deleted_at}`.
        self.tombstones: dict[str, datetime] = {}

    async def get(self, account_id: str) -> AccountCopy | None:
        return self.accounts.get(account_id)

    async def many(self, account_ids: list[str]) -> dict[str, AccountCopy]:
        return {a: self.accounts[a] for a in account_ids if a in self.accounts}

    async def of_organisation(self, siren: str) -> list[AccountCopy]:
        return sorted((a for a in self.accounts.values() if a.siren == siren), key=lambda a: a.last_name)

    async def by_email(self, email: str) -> AccountCopy | None:
        return next((a for a in self.accounts.values() if a.email == email.strip().lower()), None)

    async def save(self, account: AccountCopy) -> None:
        if account.account_id not in self.tombstones:
            self.accounts[account.account_id] = account

    async def forget(self, account_id: str, deleted_at: datetime) -> None:
        self.accounts.pop(account_id, None)
        self.tombstones.setdefault(account_id, deleted_at)

    async def deleted(self, account_id: str) -> bool:
        return account_id in self.tombstones


class FakeDirectory:
    """Open establishments by SIRET; a closed one is unknown to both look-ups, like the identity service."""

    def __init__(self, *establishments: Establishment) -> None:
        self.open: dict[str, Establishment] = {e.siret: e for e in establishments}

    def add(self, siret: str, siren: str, name: str = "Formation Plus Lyon", org: str = "Formation Plus") -> None:
        self.open[siret] = Establishment(siret=siret, siren=siren, name=name, organisation_name=org)

    async def establishment(self, siret: str) -> Establishment | None:
        return self.open.get(siret)

    async def establishments(self, siren: str) -> list[Establishment]:
        return [e for e in self.open.values() if e.siren == siren]


class FakeUserListing:
    """What MongoOrganisationUsers answers, without the store: members plus valid holders, sorted by name."""

    def __init__(self, accounts: "FakeAccounts", habilitations: FakeHabilitations) -> None:
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


class FakeInvitedAccounts:
    """The identity service's side: an address gets one account; a new one needs the identity fields."""

    def __init__(self) -> None:
        self.accounts: dict[str, InvitedAccount] = {}
        self.calls: list[dict[str, Any]] = []

    def existing(
        self, account_id: str, email: str, password_set: bool = True, kind: str = "user", siren: str | None = SIREN
    ) -> None:
        self.accounts[email] = InvitedAccount(account_id, email, kind, "Jeanne", "Martin", password_set, siren)

    async def ensure(self, invitee: CreateInvitedAccountV1) -> InvitedAccount:
        email, civility, siren = invitee.email, invitee.civility, invitee.siren
        last_name, first_name = invitee.last_name, invitee.first_name
        address = email.strip().lower()
        self.calls.append({"email": address, "last_name": last_name, "siren": siren})
        if address in self.accounts:
            return self.accounts[address]
        if not (civility and last_name and first_name):
            raise InvalidInput("Renseignez l'identité de la personne.", field="last_name")
        account = InvitedAccount(f"new-{len(self.accounts)}", address, "user", first_name, last_name, False, siren)
        self.accounts[address] = account
        return account
