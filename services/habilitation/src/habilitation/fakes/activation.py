"""In-memory activation: codes, activations, wrong tries, letters, and the hasher, renderer and texts."""

import copy
import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from efp_runtime.outbox import OutboxMessage
from habilitation.domain.activation import Activation
from habilitation.domain.activation_code import ActivationCode, CodeState, generate_code
from habilitation.domain.errors import Conflict
from habilitation.use_cases.activation.ports import LetterContent


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

    async def of_account(self, account_id: str) -> list[Activation]:
        found = [copy.deepcopy(a) for a in self.docs.values() if a.account_id == account_id]
        return sorted(found, key=lambda a: a.started_at, reverse=True)

    async def update(self, activation: Activation) -> None:
        if self.docs[activation.id].version != activation.version:
            raise Conflict("stale")
        activation.version += 1
        self.docs[activation.id] = copy.deepcopy(activation)


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


class FakeTexts:
    """The charter and the CGU: a recognisable text per key, and the keys asked."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, ...]] = []

    def text(self, *key: str) -> str:
        self.asked.append(key)
        return "**Texte** " + "/".join(key)


class FakeTermsAcceptances:
    def __init__(self) -> None:
        self.recorded: list[tuple[str, str, str, datetime]] = []

    async def record(self, account_id: str, service: str, version: str, at: datetime) -> None:
        self.recorded.append((account_id, service, version, at))


class FakeCodeSource:
    """Hands out the codes a test lists, in order, then random ones."""

    def __init__(self, *plains: str) -> None:
        self.plains = list(plains)

    def __call__(self) -> str:
        return self.plains.pop(0) if self.plains else generate_code()
