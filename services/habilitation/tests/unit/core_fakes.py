"""Hand-written fakes of the habilitation ports, a fixed clock and builders for the core unit tests."""

import copy
import json
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

from contracts.habilitation import ActorV1, HabilitationGrantV1
from contracts.notification import SendEmailV1
from efp_runtime.message_context import MessageContext
from efp_runtime.outbox import OutboxMessage
from habilitation.domain.access_request import AccessRequest, RequestState
from habilitation.domain.errors import Conflict, LastManager
from habilitation.domain.habilitation import Habilitation, HabilitationState, Via
from habilitation.domain.manager_right import ManagerRight, ManagerRightState
from habilitation.use_cases.outgoing import Links
from habilitation.use_cases.page_ports import EVERYTHING, RecordFilter, RecordPage
from habilitation.use_cases.ports import AccountCopy, Establishment
from services.habilitation.tests.unit.page_fakes import newest_first

T0 = datetime(2030, 1, 15, 9, 0, tzinfo=UTC)
TODAY = T0.date()
SIREN = "123456789"
SIRET = "12345678900011"
SIRET_2 = "12345678900029"
OTHER_SIREN = "987654321"
OTHER_SIRET = "98765432100015"
CONTEXT = MessageContext(message_id="m-1", correlation_id="corr-1")
LINKS = Links("https://efp.example.fr")


def actor(account_id: str, siren: str | None = SIREN) -> ActorV1:
    return ActorV1(account_id=account_id, kind="user", siren=siren)


def person(account_id: str, siren: str | None = SIREN, **fields: Any) -> AccountCopy:
    values: dict[str, Any] = {
        "account_id": account_id,
        "email": f"{account_id}@example.fr",
        "kind": "user",
        "civility": "Madame",
        "last_name": f"Nom-{account_id}",
        "first_name": f"Prénom-{account_id}",
        "siren": siren,
    }
    return AccountCopy(**(values | fields))


def grant(role: str = "centre_agree", siret: str = SIRET, **fields: Any) -> HabilitationGrantV1:
    return HabilitationGrantV1(role=role, siret=siret, **fields)


def make_habilitation(**fields: Any) -> Habilitation:
    values: dict[str, Any] = {
        "id": "h-1",
        "account_id": "holder",
        "service": "ceres",
        "role": "centre_agree",
        "siret": SIRET,
        "siren": SIREN,
        "end_date": None,
        "granted_by": "manager",
        "granted_at": T0,
        "via": Via.MANAGER,
    }
    return Habilitation.grant(**(values | fields))


def make_request(**fields: Any) -> AccessRequest:
    values: dict[str, Any] = {
        "id": "r-1",
        "account_id": "requester",
        "service": "ceres",
        "siren": SIREN,
        "siret": SIRET,
        "message": "Bonjour",
        "created_at": T0,
        "last_sent_at": T0,
        "organisation_name": "Formation Plus",
        "establishment_name": "Formation Plus Lyon",
    }
    return AccessRequest.submit(**(values | fields))


def make_right(account_id: str = "manager", siren: str = SIREN, **fields: Any) -> ManagerRight:
    values: dict[str, Any] = {
        "account_id": account_id,
        "siren": siren,
        "granted_by": None,
        "granted_at": T0,
        "via": "activation_code",
        "charter_version": "2024-11",
    }
    return ManagerRight.grant(**(values | fields))


class FakeClock:
    """Returns the time the test sets; `advance` moves it forward."""

    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


class FakeAccounts:
    def __init__(self) -> None:
        self.accounts: dict[str, AccountCopy] = {}

    async def get(self, account_id: str) -> AccountCopy | None:
        return self.accounts.get(account_id)

    async def many(self, account_ids: list[str]) -> dict[str, AccountCopy]:
        return {a: self.accounts[a] for a in account_ids if a in self.accounts}

    async def of_organisation(self, siren: str) -> list[AccountCopy]:
        return sorted((a for a in self.accounts.values() if a.siren == siren), key=lambda a: a.last_name)

    async def by_email(self, email: str) -> AccountCopy | None:
        return next((a for a in self.accounts.values() if a.email == email.strip().lower()), None)

    async def save(self, account: AccountCopy) -> None:
        self.accounts[account.account_id] = account


class FakeDirectory:
    """Open establishments by SIRET; a closed one is unknown to both look-ups, like the identity service."""

    def __init__(self) -> None:
        self.open: dict[str, Establishment] = {}

    def add(self, siret: str, siren: str, name: str = "Formation Plus Lyon", org: str = "Formation Plus") -> None:
        self.open[siret] = Establishment(siret=siret, siren=siren, name=name, organisation_name=org)

    async def establishment(self, siret: str) -> Establishment | None:
        return self.open.get(siret)

    async def establishments(self, siren: str) -> list[Establishment]:
        return [e for e in self.open.values() if e.siren == siren]


class _Store:
    """What the Mongo adapters keep: a copy without domain events, a version, and every save's outbox."""

    def __init__(self) -> None:
        self.items: dict[str, Any] = {}
        self.outbox: list[OutboxMessage] = []
        self.fail_next_update = False

    def put_new(self, key: str, item: Any, messages: list[OutboxMessage]) -> None:
        if key in self.items:
            raise AssertionError(f"duplicate key {key}: the same aggregate was inserted twice")
        item.version = 1
        self.items[key] = replace(copy.deepcopy(item), events=[])
        self.outbox.extend(messages)

    def put(self, key: str, item: Any, messages: list[OutboxMessage]) -> None:
        if self.fail_next_update:
            self.fail_next_update = False
            raise ConnectionError("the store went away before the write")
        stored = self.items.get(key)
        if stored is None or stored.version != item.version:
            raise Conflict("modifié entre-temps")
        item.version += 1
        self.items[key] = replace(copy.deepcopy(item), events=[])
        self.outbox.extend(messages)

    def load(self, key: str) -> Any:
        stored = self.items.get(key)
        return copy.deepcopy(stored) if stored else None

    def all(self) -> list[Any]:
        return [copy.deepcopy(item) for item in self.items.values()]


class FakeHabilitations(_Store):
    async def add(self, habilitation: Habilitation, messages: list[OutboxMessage]) -> None:
        self.put_new(habilitation.id, habilitation, messages)

    async def get(self, habilitation_id: str) -> Habilitation | None:
        return cast("Habilitation | None", self.load(habilitation_id))

    async def update(self, habilitation: Habilitation, messages: list[OutboxMessage]) -> None:
        self.put(habilitation.id, habilitation, messages)

    async def of_account(self, account_id: str, active_only: bool = True) -> list[Habilitation]:
        return [
            h
            for h in self.all()
            if h.account_id == account_id and (not active_only or h.state is HabilitationState.ACTIVE)
        ]

    async def of_organisation(
        self,
        siren: str,
        role: str | None = None,
        siret: str | None = None,
        active_only: bool = True,
        account_ids: list[str] | None = None,
    ) -> list[Habilitation]:
        return [
            h
            for h in self.all()
            if h.siren == siren
            and (account_ids is None or h.account_id in account_ids)
            and (not active_only or h.state is HabilitationState.ACTIVE)
            and (not role or h.role == role)
            and (not siret or h.siret == siret)
        ]


class FakeManagerRights(_Store):
    async def get(self, account_id: str, siren: str) -> ManagerRight | None:
        return cast("ManagerRight | None", self.load(f"{account_id}:{siren}"))

    async def save(self, right: ManagerRight, messages: list[OutboxMessage]) -> None:
        if right.version == 0:
            self.put_new(right.id, right, messages)
        else:
            self.put(right.id, right, messages)

    async def withdraw(self, right: ManagerRight, messages: list[OutboxMessage]) -> None:
        """Like the Mongo adapter: bumps another active manager's version, then saves version-checked."""
        others = [
            r
            for r in self.items.values()
            if (r.siren, r.state) == (right.siren, ManagerRightState.ACTIVE) and r.account_id != right.account_id
        ]
        if not others:
            raise LastManager()
        others[0].version += 1
        self.put(right.id, right, messages)

    async def managers_of(self, siren: str) -> list[ManagerRight]:
        return [r for r in self.all() if r.siren == siren and r.state is ManagerRightState.ACTIVE]

    async def holders_of(self, siren: str) -> list[ManagerRight]:
        return [r for r in self.all() if r.siren == siren and r.held]

    async def managed_by(self, account_id: str) -> list[str]:
        return sorted(r.siren for r in self.all() if r.account_id == account_id and r.held)


class FakeAccessRequests(_Store):
    async def add(self, request: AccessRequest, messages: list[OutboxMessage]) -> None:
        if any(
            (r.account_id, r.service, r.siren) == (request.account_id, request.service, request.siren)
            and r.state is RequestState.PENDING
            for r in self.items.values()
        ):
            raise Conflict("Vous avez déjà une demande d'accès en attente pour ce service auprès de cette structure.")
        self.put_new(request.id, request, messages)

    async def get(self, request_id: str) -> AccessRequest | None:
        return cast("AccessRequest | None", self.load(request_id))

    async def update(self, request: AccessRequest, messages: list[OutboxMessage]) -> None:
        self.put(request.id, request, messages)

    async def of_account(self, account_id: str) -> list[AccessRequest]:
        return [r for r in self.all() if r.account_id == account_id]

    async def of_organisation(
        self, siren: str, state: RequestState | None, filters: RecordFilter = EVERYTHING
    ) -> RecordPage[AccessRequest]:
        found = [r for r in self.all() if r.siren == siren and (state is None or r.state is state)]
        return newest_first(found, filters, lambda r: {r.siret})

    async def count_pending(self, sirens: list[str]) -> int:
        return sum(1 for r in self.items.values() if r.siren in sirens and r.state is RequestState.PENDING)


@dataclass
class World:
    """The fakes of one test, with an organisation (SIREN: SIRET, SIRET_2) and another (OTHER_SIREN)."""

    clock: FakeClock = field(default_factory=FakeClock)
    accounts: FakeAccounts = field(default_factory=FakeAccounts)
    directory: FakeDirectory = field(default_factory=FakeDirectory)
    habilitations: FakeHabilitations = field(default_factory=FakeHabilitations)
    rights: FakeManagerRights = field(default_factory=FakeManagerRights)
    requests: FakeAccessRequests = field(default_factory=FakeAccessRequests)

    def __post_init__(self) -> None:
        self.directory.add(SIRET, SIREN)
        self.directory.add(SIRET_2, SIREN, name="Formation Plus Nantes")
        self.directory.add(OTHER_SIRET, OTHER_SIREN, name="Autre Site", org="Autre Structure")

    def member(self, account_id: str, siren: str | None = SIREN, **fields: Any) -> AccountCopy:
        account = person(account_id, siren, **fields)
        self.accounts.accounts[account_id] = account
        return account

    def manager(self, account_id: str, siren: str = SIREN) -> AccountCopy:
        account = self.member(account_id, siren)
        right = make_right(account_id, siren)
        right.version = 1
        right.events.clear()
        self.rights.items[right.id] = right
        return account

    def holding(self, **fields: Any) -> Habilitation:
        habilitation = make_habilitation(**fields)
        habilitation.version = 1
        habilitation.events.clear()
        self.habilitations.items[habilitation.id] = habilitation  # stored as is: tests may change it
        return habilitation

    def pending(self, **fields: Any) -> AccessRequest:
        request = make_request(**fields)
        request.version = 1
        request.events.clear()
        self.requests.items[request.id] = request
        return request


def outbox(*stores: _Store) -> list[OutboxMessage]:
    return [m for store in stores for m in store.outbox]


def emails(messages: list[OutboxMessage]) -> list[dict[str, Any]]:
    """The SendEmailV1 commands among the messages, as their JSON bodies."""
    return [json.loads(m.body) for m in messages if m.type == SendEmailV1.MESSAGE_TYPE]


def event_types(messages: list[OutboxMessage]) -> list[str]:
    return [m.type for m in messages if m.type != SendEmailV1.MESSAGE_TYPE]


def events(messages: list[OutboxMessage], message_type: str) -> list[dict[str, Any]]:
    return [json.loads(m.body) for m in messages if m.type == message_type]


def days(n: int) -> timedelta:
    return timedelta(days=n)


def on(offset_days: int) -> date:
    return TODAY + timedelta(days=offset_days)
