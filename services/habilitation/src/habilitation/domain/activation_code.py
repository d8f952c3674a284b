"""ActivationCode: 12 characters sent by post with a SIRET after an agrément; redeemed once to become access manager."""

import calendar
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from contracts.errors import ErrorCode
from efp_runtime.state_machine import IllegalTransition, fire, machine
from habilitation.domain.errors import HabilitationError, WrongState
from habilitation.domain.history import Transition


class CodeState(StrEnum):
    ISSUED = "issued"
    REDEEMED = "redeemed"
    REVOKED = "revoked"
    EXPIRED = "expired"


TRANSITIONS = [
    {"trigger": "redeem", "source": CodeState.ISSUED, "dest": CodeState.REDEEMED},
    {"trigger": "revoke", "source": CodeState.ISSUED, "dest": CodeState.REVOKED},
    {"trigger": "expire", "source": CodeState.ISSUED, "dest": CodeState.EXPIRED},
]
_MACHINE = machine(CodeState, TRANSITIONS, initial=CodeState.ISSUED)

# No 0/O, 1/I/L: the code is read off paper and typed by hand. 31 symbols ** 12 ≈ 2**59.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
DEFAULT_VALIDITY_MONTHS = 6
# Wrong codes allowed per SIRET in a fixed window, then 429 until the window ends.
MAX_WRONG_CODES = 5
WRONG_CODES_WINDOW = timedelta(hours=1)
SYSTEM = "system"


class ActivationCodeUsed(HabilitationError):
    code = ErrorCode.ACTIVATION_CODE_USED
    detail = (
        "Ce code d'activation a déjà été utilisé. Si vous n'êtes pas à l'origine de cette utilisation, "
        "contactez votre DREETS (Direction régionale)."
    )


class ActivationCodeRevoked(HabilitationError):
    code = ErrorCode.ACTIVATION_CODE_REVOKED
    detail = (
        "Ce code d'activation a été annulé par l'administration. "
        "Contactez votre DREETS (Direction régionale) pour en obtenir un nouveau."
    )


class ActivationCodeExpired(HabilitationError):
    code = ErrorCode.ACTIVATION_CODE_EXPIRED
    detail = "Ce code d'activation a expiré. Contactez votre DREETS (Direction régionale) pour en obtenir un nouveau."


def generate_code(choice: Callable[[str], str] = secrets.choice) -> str:
    return "".join(choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(typed: str) -> str | None:
    """The code as stored, from what a person typed (case, spaces, dashes forgiven); None if it cannot be one."""
    code = "".join(typed.split()).replace("-", "").upper()
    if len(code) != CODE_LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code


def add_months(moment: datetime, months: int) -> datetime:
    """Same day `months` later, or the month's last day (31 August + 6 months = 28/29 February)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


class CodeEvent(StrEnum):
    """What happened to a code in one step: each becomes its public event."""

    ISSUED = "issued"
    REDEEMED = "redeemed"
    REVOKED = "revoked"
    EXPIRED = "expired"


@dataclass
class ActivationCode:
    """Only the keyed hash of the code is kept (scoped to the SIRET, so SIRET + code finds it)."""

    id: str
    service: str
    siret: str
    siren: str
    code_hash: str
    issued_by: str
    issued_at: datetime
    expires_at: datetime
    # Snapshots at issuance, for the letter and the lists.
    organisation_name: str | None = None
    establishment_name: str | None = None
    state: CodeState = CodeState.ISSUED
    redeemed_by: str | None = None
    redeemed_at: datetime | None = None
    activation_id: str | None = None
    revoked_by: str | None = None
    revoked_at: datetime | None = None
    revocation_reason: str | None = None
    # The audit of the one letter download (it holds the code in clear): who, when.
    letter_downloaded_by: str | None = None
    letter_downloaded_at: datetime | None = None
    version: int = 0
    history: list[Transition] = field(default_factory=list)
    events: list[CodeEvent] = field(default_factory=list)

    @classmethod
    def issue(cls, **fields: Any) -> "ActivationCode":
        code = cls(**fields)
        code.history.append(Transition(code.issued_at, "issue", code.issued_by))
        code.events.append(CodeEvent.ISSUED)
        return code

    def is_due(self, now: datetime) -> bool:
        """Issued but past its validity: the sweeper (or the next use) records the expiry."""
        return self.state is CodeState.ISSUED and now >= self.expires_at

    def effective_state(self, now: datetime) -> CodeState:
        return CodeState.EXPIRED if self.is_due(now) else self.state

    def expire(self, now: datetime) -> None:
        if not self.is_due(now):
            raise WrongState("Ce code d'activation est encore valable ou n'est plus en cours.")
        self._fire("expire", now, SYSTEM)
        self.events.append(CodeEvent.EXPIRED)

    def check_redeemable(self, now: datetime) -> None:
        """Raises the refusal a user should read if this code can no longer make a manager."""
        state = self.effective_state(now)
        if state is CodeState.REDEEMED:
            raise ActivationCodeUsed()
        if state is CodeState.REVOKED:
            raise ActivationCodeRevoked()
        if state is CodeState.EXPIRED:
            raise ActivationCodeExpired()

    def redeem(self, by: str, activation_id: str, now: datetime) -> None:
        self.check_redeemable(now)
        self._fire("redeem", now, by)
        self.redeemed_by, self.redeemed_at, self.activation_id = by, now, activation_id
        self.events.append(CodeEvent.REDEEMED)

    def redeemed_through(self, activation_id: str) -> bool:
        """True once this activation has redeemed the code (a retry after a crash goes on from there)."""
        return self.state is CodeState.REDEEMED and self.activation_id == activation_id

    def revoke(self, by: str, now: datetime, why: str | None) -> None:
        if self.is_due(now):
            raise WrongState("Ce code d'activation a déjà expiré.")
        self._fire("revoke", now, by, why)
        self.revoked_by, self.revoked_at, self.revocation_reason = by, now, why
        self.events.append(CodeEvent.REVOKED)

    def record_letter_download(self, by: str, now: datetime) -> None:
        """Kept with the code and in its history (not a change of state)."""
        self.letter_downloaded_by, self.letter_downloaded_at = by, now
        self.history.append(Transition(now, "download_letter", by))

    def _fire(self, trigger: str, now: datetime, by: str, why: str | None = None) -> None:
        try:
            self.state = fire(_MACHINE, self.state, trigger)
        except IllegalTransition as exc:
            raise WrongState(f"Ce code d'activation est déjà {_DONE[self.state]}.") from exc
        self.history.append(Transition(now, trigger, by, why))


_DONE = {
    CodeState.ISSUED: "émis",
    CodeState.REDEEMED: "utilisé",
    CodeState.REVOKED: "révoqué",
    CodeState.EXPIRED: "expiré",
}
