"""The second factor asked of access managers and agents (no I/O): proved at login, fresh for the gravest acts.

The identity service proves the factor and says so on the session; the gateway copies it onto the actor
(`amr`, `second_factor_at`, `second_factor_enrolled`). Here is only what the habilitation service asks of it.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from habilitation.domain.errors import SecondFactorRequired, StepUpRequired

# contracts.second_factor's SECOND_FACTOR_AMR and STEP_UP_MAX_AGE_SECONDS (the domain imports no
# contract; a unit test holds them equal): a TOTP or recovery code ("otp"), or a passkey ("hwk").
SECOND_FACTOR_METHODS = frozenset({"otp", "hwk"})
STEP_UP_MAX_AGE = timedelta(minutes=15)


class Proof(Protocol):
    """What the caller's session proved, as the actor carries it."""

    @property
    def amr(self) -> Sequence[str]: ...

    @property
    def second_factor_at(self) -> datetime | None: ...

    @property
    def second_factor_enrolled(self) -> bool: ...


def proved(session: Proof) -> bool:
    return bool(SECOND_FACTOR_METHODS & set(session.amr))


def fresh(session: Proof, now: datetime) -> bool:
    # A proof a little in the future (identity's clock ahead of ours) is recent all the same.
    at = session.second_factor_at
    return proved(session) and at is not None and now - at <= STEP_UP_MAX_AGE


@dataclass(frozen=True)
class SecondFactorPolicy:
    """`required`: HABILITATION_SECOND_FACTOR_REQUIRED. Off, nobody is asked to enrol, but whoever enrolled
    a factor is still asked to confirm it before the gravest acts (they chose the protection)."""

    required: bool

    def require_proved(self, session: Proof) -> None:
        """Before any act of an access manager or an agent."""
        if self.required and not proved(session):
            raise SecondFactorRequired()

    def require_fresh(self, session: Proof, now: datetime) -> None:
        """Step-up, before appointing or withdrawing a manager, issuing a code, revealing it (the letter)."""
        self.require_proved(session)
        if (self.required or session.second_factor_enrolled) and not fresh(session, now):
            raise StepUpRequired()

    def asks_enrolment(self, holds_a_right: bool) -> bool:
        """Whether `GET /api/v1/me` tells an agent or a manager (appointed included) to enrol first."""
        return self.required and holds_a_right
