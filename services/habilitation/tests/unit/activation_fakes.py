"""Hand-written fakes for the activation use cases: in-memory, copying on save like a real store."""

import copy
import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from contracts.habilitation import ActorV1
from efp_runtime.message_context import MessageContext
from efp_runtime.outbox import OutboxMessage
from habilitation.domain.activation import Activation
from habilitation.domain.activation_code import ActivationCode, CodeState
from habilitation.domain.errors import Conflict, LastManager
from habilitation.domain.manager_right import ManagerRight, ManagerRightState
from habilitation.use_cases.activation_ports import LetterContent
from habilitation.use_cases.outgoing import Links
from habilitation.use_cases.ports import AccountCopy, Establishment

T0 = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
SIRET = "00001011600036"
SIREN = "000010116"
AGENT = ActorV1(account_id="agent-1", kind="agent")
USER = ActorV1(account_id="user-1", kind="user", siren=SIREN)
LINKS = Links("https://efp.example.fr")
CONTEXT = MessageContext(message_id="m-1", correlation_id="c-1")
ESTABLISHMENT = Establishment(SIRET, SIREN, "Émeraude Lyon", "Centre Émeraude")


class Clock:
    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


def account(account_id: str, first: str = "Ada", last: str = "Lovelace") -> AccountCopy:
    return AccountCopy(account_id, f"{account_id}@example.fr", "user", "madame", last, first, siren=SIREN)


def types(messages: list[OutboxMessage]) -> list[str]:
    return [m.type for m in messages]


def body(message: OutboxMessage) -> dict[str, object]:
    parsed: dict[str, object] = json.loads(message.body)
    return parsed


class FakeCodes:
    def __init__(self) -> None:
        self.docs: dict[str, ActivationCode] = {}
        self.messages: list[OutboxMessage] = []

    async def add(self, code: ActivationCode, messages: list[OutboxMessage]) -> None:
        if any(c.code_hash == code.code_hash for c in self.docs.values()):
            raise Conflict("hash clash")
        code.version = 1
        self.docs[code.id] = copy.deepcopy(code)
        self.messages.extend(messages)

    async def get(self, code_id: str) -> ActivationCode | None:
        return copy.deepcopy(self.docs.get(code_id))

    async def find(self, code_hash: str) -> ActivationCode | None:
        return next((copy.deepcopy(c) for c in self.docs.values() if c.code_hash == code_hash), None)

    async def update(self, code: ActivationCode, messages: list[OutboxMessage]) -> None:
        if self.docs[code.id].version != code.version:
            raise Conflict("stale")
        code.version += 1
        self.docs[code.id] = copy.deepcopy(code)
        self.messages.extend(messages)

    async def of_siret(self, siret: str) -> list[ActivationCode]:
        found = [copy.deepcopy(c) for c in self.docs.values() if c.siret == siret]
        return sorted(found, key=lambda c: c.issued_at, reverse=True)

    async def issued_for(self, service: str, siret: str) -> list[ActivationCode]:
        return [
            copy.deepcopy(c)
            for c in self.docs.values()
            if (c.service, c.siret, c.state) == (service, siret, CodeState.ISSUED)
        ]

    async def due(self, now: datetime, limit: int) -> list[ActivationCode]:
        return [copy.deepcopy(c) for c in self.docs.values() if c.is_due(now)][:limit]


class FakeActivations:
    def __init__(self) -> None:
        self.docs: dict[str, Activation] = {}

    async def add(self, activation: Activation) -> None:
        activation.version = 1
        self.docs[activation.id] = copy.deepcopy(activation)

    async def get(self, activation_id: str) -> Activation | None:
        return copy.deepcopy(self.docs.get(activation_id))

    async def update(self, activation: Activation) -> None:
        if self.docs[activation.id].version != activation.version:
            raise Conflict("stale")
        activation.version += 1
        self.docs[activation.id] = copy.deepcopy(activation)


class FakeRights:
    def __init__(self) -> None:
        self.docs: dict[tuple[str, str], ManagerRight] = {}
        self.messages: list[OutboxMessage] = []
        self.crash_next_save = False

    def give(self, account_id: str, siren: str = SIREN, state: ManagerRightState = ManagerRightState.ACTIVE) -> None:
        right = ManagerRight(account_id, siren, "someone", T0 - timedelta(days=30), "manager", None, state, version=1)
        self.docs[(account_id, siren)] = right

    async def get(self, account_id: str, siren: str) -> ManagerRight | None:
        return copy.deepcopy(self.docs.get((account_id, siren)))

    async def save(self, right: ManagerRight, messages: list[OutboxMessage]) -> None:
        if self.crash_next_save:
            self.crash_next_save = False
            raise RuntimeError("process killed")
        stored = self.docs.get((right.account_id, right.siren))
        if (stored.version if stored else 0) != right.version:
            raise Conflict("stale")
        right.version += 1
        self.docs[(right.account_id, right.siren)] = copy.deepcopy(right)
        self.messages.extend(messages)

    async def withdraw(self, right: ManagerRight, messages: list[OutboxMessage]) -> None:
        if not [r for r in await self.managers_of(right.siren) if r.account_id != right.account_id]:
            raise LastManager()
        await self.save(right, messages)

    async def managers_of(self, siren: str) -> list[ManagerRight]:
        return [copy.deepcopy(r) for (_, s), r in self.docs.items() if s == siren and r.active]

    async def holders_of(self, siren: str) -> list[ManagerRight]:
        return [copy.deepcopy(r) for (_, s), r in self.docs.items() if s == siren and r.held]

    async def managed_by(self, account_id: str) -> list[str]:
        return sorted(s for (a, s), r in self.docs.items() if a == account_id and r.held)


class FakeAccounts:
    def __init__(self, *accounts: AccountCopy) -> None:
        self.docs = {a.account_id: a for a in accounts}

    async def get(self, account_id: str) -> AccountCopy | None:
        return self.docs.get(account_id)

    async def many(self, account_ids: list[str]) -> dict[str, AccountCopy]:
        return {i: self.docs[i] for i in account_ids if i in self.docs}

    async def of_organisation(self, siren: str) -> list[AccountCopy]:
        return [a for a in self.docs.values() if a.siren == siren]

    async def save(self, account: AccountCopy) -> None:
        self.docs[account.account_id] = account


class FakeDirectory:
    def __init__(self, *establishments: Establishment) -> None:
        self.docs = {e.siret: e for e in establishments}

    async def establishment(self, siret: str) -> Establishment | None:
        return self.docs.get(siret)

    async def establishments(self, siren: str) -> list[Establishment]:
        return [e for e in self.docs.values() if e.siren == siren]


class FakeAttempts:
    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def _slot(self, key: str, window: timedelta, now: datetime) -> tuple[str, datetime]:
        seconds = int(window.total_seconds())
        start = int(now.timestamp()) // seconds * seconds
        return f"{key}|{start}", datetime.fromtimestamp(start + seconds, UTC)

    async def failures(self, key: str, window: timedelta, now: datetime) -> tuple[int, datetime]:
        slot, end = self._slot(key, window, now)
        return self.counts.get(slot, 0), end

    async def record_failure(self, key: str, window: timedelta, now: datetime) -> int:
        slot, _ = self._slot(key, window, now)
        self.counts[slot] = self.counts.get(slot, 0) + 1
        return self.counts[slot]


@dataclass
class FakeLetters:
    kept: dict[str, tuple[str, bytes, datetime]] = field(default_factory=dict)

    async def keep(self, code_id: str, issued_by: str, pdf: bytes, until: datetime) -> None:
        self.kept[code_id] = (issued_by, pdf, until)

    async def take(self, code_id: str, issued_by: str, now: datetime) -> bytes | None:
        found = self.kept.get(code_id)
        if found is None or found[0] != issued_by or now >= found[2]:
            return None
        del self.kept[code_id]
        return found[1]


class FakeHasher:
    def hash(self, scope: str, secret: str) -> str:
        # Unkeyed, but like the real one it never shows the code.
        return hashlib.sha256(f"{scope}:{secret}".encode()).hexdigest()


@dataclass
class FakeRenderer:
    rendered: list[LetterContent] = field(default_factory=list)

    def render(self, letter: LetterContent) -> bytes:
        self.rendered.append(letter)
        return f"%PDF letter {letter.code}".encode()


class FakeCharter:
    def text(self, version: str) -> str:
        return f"Charte {version}"


def issued_code(
    code_id: str = "code-1",
    plain: str = "KBJ9SRMSN8F7",
    state: CodeState = CodeState.ISSUED,
    expires_at: datetime = T0 + timedelta(days=180),
) -> ActivationCode:
    return ActivationCode(
        id=code_id,
        service="ceres",
        siret=SIRET,
        siren=SIREN,
        code_hash=FakeHasher().hash(SIRET, plain),
        issued_by=AGENT.account_id,
        issued_at=T0 - timedelta(days=1),
        expires_at=expires_at,
        organisation_name="Centre Émeraude",
        establishment_name="Émeraude Lyon",
        state=state,
        version=1,
    )
