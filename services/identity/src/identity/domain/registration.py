"""Registration: the 5-step sign-up of an EFP Connect account, as an explicit state machine."""

import hmac
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, cast

from transitions import Machine

from efp_runtime.state_machine import IllegalTransition, fire
from identity.domain.errors import CodeExpired, RegistrationExpired, TooManyAttempts, WrongStep


class Step(StrEnum):
    VERIFY_EMAIL = "verify_email"
    PASSWORD = "password"  # noqa: S105 (the step's name, not a secret)
    IDENTITY = "identity"
    ORGANISATION = "organisation"
    COMPLETED = "completed"
    EXPIRED = "expired"


OPEN_STEPS = [Step.VERIFY_EMAIL, Step.PASSWORD, Step.IDENTITY, Step.ORGANISATION]

TRANSITIONS = [
    {"trigger": "verify_email", "source": Step.VERIFY_EMAIL, "dest": Step.PASSWORD},
    {"trigger": "expire", "source": OPEN_STEPS, "dest": Step.EXPIRED},
]

# Rules of the guide and DOMAIN.md: a 6-digit code valid 1 hour, dead after 5 wrong tries;
# a registration untouched for 1 hour expires.
CODE_VALIDITY = timedelta(hours=1)
MAX_WRONG_CODES = 5
INACTIVITY_LIMIT = timedelta(hours=1)

# One machine for every registration (model=None): thousands of aggregates, no per-object machine.
_MACHINE = Machine(
    model=None,
    states=Step,
    transitions=cast(Any, TRANSITIONS),
    initial=Step.VERIFY_EMAIL,
    auto_transitions=False,
)


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    trigger: str
    source: Step
    dest: Step


@dataclass(frozen=True)
class RegistrationStarted:
    registration_id: str
    email: str
    code: str
    expires_at: datetime


@dataclass(frozen=True)
class EmailVerified:
    registration_id: str


DomainEvent = RegistrationStarted | EmailVerified


@dataclass
class Registration:
    id: str
    email: str
    state: Step
    code_hash: str
    code_expires_at: datetime
    wrong_codes: int
    created_at: datetime
    last_activity_at: datetime
    version: int = 0
    history: list[HistoryEntry] = field(default_factory=list)
    events: list[DomainEvent] = field(default_factory=list)

    @classmethod
    def start(cls, registration_id: str, email: str, code: str, code_hash: str, now: datetime) -> "Registration":
        """Step 1 done: the address is known and a code is on its way."""
        registration = cls(
            id=registration_id,
            email=email,
            state=Step.VERIFY_EMAIL,
            code_hash=code_hash,
            code_expires_at=now + CODE_VALIDITY,
            wrong_codes=0,
            created_at=now,
            last_activity_at=now,
        )
        registration.events.append(RegistrationStarted(registration_id, email, code, registration.expires_at))
        return registration

    @property
    def expires_at(self) -> datetime:
        return self.last_activity_at + INACTIVITY_LIMIT

    def verify_code(self, candidate_hash: str, now: datetime) -> bool:
        """Step 2. Returns False for a wrong code (counted); raises when no code may be tried."""
        self._ensure_open(now)
        if self.state is not Step.VERIFY_EMAIL:
            raise WrongStep()
        if self.wrong_codes >= MAX_WRONG_CODES:
            raise TooManyAttempts()
        if now >= self.code_expires_at:
            raise CodeExpired()
        self.last_activity_at = now
        if not hmac.compare_digest(candidate_hash, self.code_hash):
            self.wrong_codes += 1
            return False
        self._fire("verify_email", now)
        self.events.append(EmailVerified(self.id))
        return True

    def _ensure_open(self, now: datetime) -> None:
        if self.state in OPEN_STEPS and now >= self.expires_at:
            self._fire("expire", now)
        if self.state is Step.EXPIRED:
            raise RegistrationExpired()

    def _fire(self, trigger: str, now: datetime) -> None:
        source = self.state
        try:
            self.state = fire(_MACHINE, source, trigger)
        except IllegalTransition as exc:
            raise WrongStep() from exc
        self.history.append(HistoryEntry(at=now, trigger=trigger, source=source, dest=self.state))
