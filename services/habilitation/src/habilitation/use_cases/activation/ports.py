"""The ports of the activation-code use cases; adapters implement them."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from efp_runtime.outbox import OutboxMessage
from habilitation.domain.activation import Activation
from habilitation.domain.activation_code import ActivationCode


class ActivationCodes(Protocol):
    async def add(self, code: ActivationCode, messages: list[OutboxMessage]) -> None:
        """Raises Conflict on a hash clash (never seen at 59 bits, but a unique index says so)."""
        ...

    async def get(self, code_id: str) -> ActivationCode | None: ...

    async def find(self, code_hash: str) -> ActivationCode | None:
        """The code with this keyed hash, whatever its state."""
        ...

    async def update(self, code: ActivationCode, messages: list[OutboxMessage]) -> None:
        """Version-checked; raises Conflict if someone saved it since it was read."""
        ...

    async def of_siret(self, siret: str) -> list[ActivationCode]:
        """Newest first."""
        ...

    async def issued_for(self, service: str, siret: str) -> list[ActivationCode]:
        """The codes still in state `issued` for this pair."""
        ...

    async def due(self, now: datetime, limit: int) -> list[ActivationCode]:
        """Issued codes whose validity ended, for the sweeper."""
        ...


class Activations(Protocol):
    async def add(self, activation: Activation) -> None: ...

    async def get(self, activation_id: str) -> Activation | None: ...

    async def of_account(self, account_id: str) -> list[Activation]:
        """The account's activations, newest first (the organisation names it went through)."""
        ...

    async def update(self, activation: Activation) -> None:
        """Version-checked; raises Conflict if someone saved it since it was read."""
        ...


class ActivationAttempts(Protocol):
    """Wrong codes counted per key in fixed windows, forgotten after their window."""

    async def failures(self, key: str, window: timedelta, now: datetime) -> tuple[int, datetime]:
        """The wrong tries counted in the window holding `now`, and when that window ends."""
        ...

    async def record_failure(self, key: str, window: timedelta, now: datetime) -> int:
        """Count one more; returns the window's count."""
        ...


class ActivationLetters(Protocol):
    """Rendered letters (they hold the code) kept a few minutes for one download by the issuing agent."""

    async def keep(self, code_id: str, issued_by: str, pdf: bytes, until: datetime) -> None: ...

    async def take(self, code_id: str, issued_by: str, now: datetime) -> bytes | None:
        """The letter, deleted in the same step; None if gone, expired or issued by someone else."""
        ...


@dataclass(frozen=True)
class LetterContent:
    """What the letter « Modalités d'accès à l'applicatif CERES » says (guide 001, part A)."""

    reference: str
    service_label: str
    service_url: str
    organisation_name: str | None
    establishment_name: str | None
    siret: str
    code: str
    issued_at: datetime
    expires_at: datetime


class LetterRenderer(Protocol):
    def render(self, letter: LetterContent) -> bytes:
        """A PDF."""
        ...


class CodeHasher(Protocol):
    def hash(self, scope: str, secret: str) -> str: ...


class CharterText(Protocol):
    def text(self, version: str) -> str:
        """The access-manager charter of that version (Markdown)."""
        ...
