"""PasswordReset: « Réinitialiser mon mot de passe » by a 6-digit code, as a state machine."""

import hmac
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from efp_runtime.state_machine import IllegalTransition, Transition, fire_recorded, machine
from identity.domain.errors import CodeExpired, TooManyAttempts, WrongStep


class ResetState(StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    COMPLETED = "completed"
    EXPIRED = "expired"
    # A newer reset of the same address replaced it: only the latest code may be tried.
    SUPERSEDED = "superseded"


class ResetTrigger(StrEnum):
    VERIFY = "verify"
    COMPLETE = "complete"
    EXPIRE = "expire"
    SUPERSEDE = "supersede"


TRANSITIONS = [
    {"trigger": ResetTrigger.VERIFY, "source": ResetState.PENDING, "dest": ResetState.VERIFIED},
    {"trigger": ResetTrigger.COMPLETE, "source": ResetState.VERIFIED, "dest": ResetState.COMPLETED},
    {"trigger": ResetTrigger.EXPIRE, "source": [ResetState.PENDING, ResetState.VERIFIED], "dest": ResetState.EXPIRED},
    {
        "trigger": ResetTrigger.SUPERSEDE,
        "source": [ResetState.PENDING, ResetState.VERIFIED],
        "dest": ResetState.SUPERSEDED,
    },
]
# The states in which a reset's code or password step may still be used.
OPEN_STATES = (ResetState.PENDING, ResetState.VERIFIED)

# Guide §5.2: « Ce code est à usage unique. Il expirera au bout de 24 heures. »
VALIDITY = timedelta(hours=24)
MAX_WRONG_CODES = 5

_MACHINE = machine(ResetState, TRANSITIONS, initial=ResetState.PENDING)


@dataclass(frozen=True)
class ResetRequested:
    reset_id: str
    email: str
    code: str
    # No account has this address: nothing is sent, the answer is the same.
    decoy: bool


@dataclass
class PasswordReset:
    id: str
    email: str
    account_id: str | None
    code_hash: str
    created_at: datetime
    state: ResetState = ResetState.PENDING
    wrong_codes: int = 0
    version: int = 0
    history: list[Transition] = field(default_factory=list)
    events: list[ResetRequested] = field(default_factory=list)

    @classmethod
    def request(
        cls, reset_id: str, email: str, account_id: str | None, code: str, code_hash: str, now: datetime
    ) -> "PasswordReset":
        reset = cls(reset_id, email, account_id, code_hash, now)
        reset.events.append(ResetRequested(reset_id, email, code, decoy=account_id is None))
        return reset

    @property
    def expires_at(self) -> datetime:
        return self.created_at + VALIDITY

    def verify_code(self, candidate_hash: str, now: datetime) -> bool:
        self._ensure_valid(now)
        if self.state is not ResetState.PENDING:
            raise WrongStep("Ce code a déjà été utilisé.")
        if self.wrong_codes >= MAX_WRONG_CODES:
            raise TooManyAttempts()
        if self.account_id is None or not hmac.compare_digest(candidate_hash, self.code_hash):
            self.wrong_codes += 1
            return False
        self._fire(ResetTrigger.VERIFY, now)
        return True

    def complete(self, now: datetime) -> None:
        """The new password is set: the code is spent for good."""
        self._ensure_valid(now)
        if self.state is not ResetState.VERIFIED:
            raise WrongStep("Saisissez d'abord le code de réinitialisation reçu par e-mail.")
        self._fire(ResetTrigger.COMPLETE, now)

    def supersede(self, now: datetime) -> None:
        """A new reset was asked for the same address: this one's code no longer works."""
        if self.state in OPEN_STATES:
            self._fire(ResetTrigger.SUPERSEDE, now)

    def _ensure_valid(self, now: datetime) -> None:
        if self.state in OPEN_STATES and now >= self.expires_at:
            self._fire(ResetTrigger.EXPIRE, now)
        if self.state is ResetState.EXPIRED:
            raise CodeExpired("Le code de réinitialisation a expiré. Veuillez recommencer.")
        if self.state is ResetState.SUPERSEDED:
            raise CodeExpired("Un nouveau code vous a été envoyé depuis : saisissez le code du dernier e-mail reçu.")

    def _fire(self, trigger: ResetTrigger, now: datetime) -> None:
        try:
            self.state, transition = fire_recorded(_MACHINE, self.state, trigger.value, now)
        except IllegalTransition as exc:
            raise WrongStep() from exc
        self.history.append(transition)
