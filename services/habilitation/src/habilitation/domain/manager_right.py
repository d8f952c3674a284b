"""ManagerRight: an account is access manager (« responsable des accès ») of an organisation."""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, cast

from transitions import Machine

from efp_runtime.state_machine import IllegalTransition, fire
from habilitation.domain.errors import WrongState


class ManagerRightState(StrEnum):
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"


TRANSITIONS = [{"trigger": "withdraw", "source": ManagerRightState.ACTIVE, "dest": ManagerRightState.WITHDRAWN}]
_MACHINE = Machine(
    model=None,
    states=ManagerRightState,
    transitions=cast(Any, TRANSITIONS),
    initial=ManagerRightState.ACTIVE,
    auto_transitions=False,
)


@dataclass(frozen=True)
class RightGranted:
    account_id: str
    siren: str


@dataclass(frozen=True)
class RightWithdrawn:
    account_id: str
    siren: str
    by: str


@dataclass
class ManagerRight:
    """Identified by (account, organisation): one right per pair, re-granted after a withdrawal."""

    account_id: str
    siren: str
    granted_by: str | None
    granted_at: datetime
    via: str  # "activation_code" | "manager"
    charter_version: str | None
    state: ManagerRightState = ManagerRightState.ACTIVE
    version: int = 0
    history: list[tuple[datetime, str, str | None]] = field(default_factory=list)
    events: list[RightGranted | RightWithdrawn] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.account_id}:{self.siren}"

    @classmethod
    def grant(cls, **fields: Any) -> "ManagerRight":
        right = cls(**fields)
        right.history.append((right.granted_at, f"grant via {right.via}", right.granted_by))
        right.events.append(RightGranted(right.account_id, right.siren))
        return right

    def regrant(self, by: str | None, now: datetime, via: str, charter_version: str | None) -> None:
        """A withdrawn right given again keeps its history."""
        self.state = ManagerRightState.ACTIVE
        self.granted_by, self.granted_at, self.via, self.charter_version = by, now, via, charter_version
        self.history.append((now, f"grant via {via}", by))
        self.events.append(RightGranted(self.account_id, self.siren))

    @property
    def active(self) -> bool:
        return self.state is ManagerRightState.ACTIVE

    def withdraw(self, by: str, now: datetime) -> None:
        try:
            self.state = fire(_MACHINE, self.state, "withdraw")
        except IllegalTransition as exc:
            raise WrongState("Ce droit de responsable des accès est déjà retiré.") from exc
        self.history.append((now, "withdraw", by))
        self.events.append(RightWithdrawn(self.account_id, self.siren, by))
