"""Habilitation: a role of a digital service on one establishment, for one account, maybe until a date."""

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from efp_runtime.state_machine import IllegalTransition, fire, machine
from habilitation.domain.errors import WrongState
from habilitation.domain.history import Transition


class HabilitationState(StrEnum):
    ACTIVE = "active"
    REVOKED = "revoked"
    EXPIRED = "expired"


class Via(StrEnum):
    ACTIVATION_CODE = "activation_code"
    ACCESS_REQUEST = "access_request"
    INVITATION = "invitation"
    MANAGER = "manager"
    DELEGATION = "delegation"


# Guide 001 « Déléguer une habilitation à un tiers »: a person of another organisation gets access
# until a date, whether a manager delegates it or invites them to it.
THIRD_PARTY_NEEDS_END_DATE = "Une délégation doit avoir une date de fin."


def is_third_party(holder_siren: str | None, siren: str) -> bool:
    """A habilitation of `siren`'s establishments held by someone not of `siren`: it must have an end date."""
    return holder_siren != siren


TRANSITIONS = [
    {"trigger": "revoke", "source": HabilitationState.ACTIVE, "dest": HabilitationState.REVOKED},
    {"trigger": "lapse", "source": HabilitationState.ACTIVE, "dest": HabilitationState.EXPIRED},
]
_MACHINE = machine(HabilitationState, TRANSITIONS, initial=HabilitationState.ACTIVE)


@dataclass(frozen=True)
class Granted:
    habilitation_id: str


@dataclass(frozen=True)
class Revoked:
    habilitation_id: str
    by: str
    why: str | None


@dataclass(frozen=True)
class Lapsed:
    habilitation_id: str


HabilitationEvent = Granted | Revoked | Lapsed


@dataclass
class Habilitation:
    id: str
    account_id: str
    service: str
    role: str
    siret: str
    siren: str
    end_date: date | None
    granted_by: str
    granted_at: datetime
    via: Via
    state: HabilitationState = HabilitationState.ACTIVE
    version: int = 0
    history: list[Transition] = field(default_factory=list)
    events: list[HabilitationEvent] = field(default_factory=list)

    @classmethod
    def grant(cls, **fields: Any) -> "Habilitation":
        habilitation = cls(**fields)
        habilitation.history.append(Transition(habilitation.granted_at, "grant", habilitation.granted_by, None))
        habilitation.events.append(Granted(habilitation.id))
        return habilitation

    def allows(self, today: date) -> bool:
        """Active and before its end date: « once reached, access is gone », sweeper or not."""
        return self.state is HabilitationState.ACTIVE and (self.end_date is None or today < self.end_date)

    def revoke(self, by: str, now: datetime, why: str | None = None) -> None:
        self._fire("revoke", now, by, why)
        self.events.append(Revoked(self.id, by, why))

    def lapse(self, today: date, now: datetime) -> bool:
        """For the sweeper: an active habilitation whose end date is reached expires; True if it did."""
        if self.state is not HabilitationState.ACTIVE or self.end_date is None or today < self.end_date:
            return False
        self._fire("lapse", now, "system", "date de fin atteinte")
        self.events.append(Lapsed(self.id))
        return True

    def _fire(self, trigger: str, now: datetime, by: str, why: str | None) -> None:
        try:
            self.state = fire(_MACHINE, self.state, trigger)
        except IllegalTransition as exc:
            raise WrongState("Cette habilitation n'est plus active.") from exc
        self.history.append(Transition(now, trigger, by, why))
