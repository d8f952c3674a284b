"""ManagerRight: an account is access manager (« responsable des accès ») of an organisation.

Charter article 2: the right is usable only once its holder accepted the charter. An activation
code leads through the charter, so its right starts active; a right a colleague gives starts
appointed, and becomes active when its holder accepts the charter.
"""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from efp_runtime.state_machine import IllegalTransition, fire, machine
from habilitation.domain.errors import WrongState


class ManagerRightState(StrEnum):
    APPOINTED = "appointed"  # given by a colleague, the charter not accepted yet: not usable
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"


TRANSITIONS = [
    {"trigger": "accept_charter", "source": ManagerRightState.APPOINTED, "dest": ManagerRightState.ACTIVE},
    {
        "trigger": "withdraw",
        "source": [ManagerRightState.APPOINTED, ManagerRightState.ACTIVE],
        "dest": ManagerRightState.WITHDRAWN,
    },
    # Given again after a withdrawal: through an activation code (charter accepted) or by a colleague.
    {"trigger": "regrant", "source": ManagerRightState.WITHDRAWN, "dest": ManagerRightState.ACTIVE},
    {"trigger": "reappoint", "source": ManagerRightState.WITHDRAWN, "dest": ManagerRightState.APPOINTED},
]
_MACHINE = machine(ManagerRightState, TRANSITIONS, initial=ManagerRightState.ACTIVE)
CHARTER_FIRST = (
    "Pour utiliser votre droit de responsable des accès, lisez et acceptez d'abord la charte du responsable "
    "des accès (lien de l'e-mail qui vous a annoncé ce droit)."
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
    # An appointed right: the activation through which its holder accepts the charter.
    activation_id: str | None = None
    version: int = 0
    history: list[tuple[datetime, str, str | None]] = field(default_factory=list)
    events: list[RightGranted | RightWithdrawn] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.account_id}:{self.siren}"

    @classmethod
    def grant(cls, **fields: Any) -> "ManagerRight":
        """Through an activation code, the charter accepted: usable at once."""
        right = cls(**fields)
        right.history.append((right.granted_at, f"grant via {right.via}", right.granted_by))
        right.events.append(RightGranted(right.account_id, right.siren))
        return right

    @classmethod
    def appoint(cls, account_id: str, siren: str, by: str, now: datetime, activation_id: str) -> "ManagerRight":
        """By a colleague: usable once its holder accepts the charter (`accept_charter`)."""
        right = cls(
            account_id=account_id,
            siren=siren,
            granted_by=by,
            granted_at=now,
            via="manager",
            charter_version=None,
            state=ManagerRightState.APPOINTED,
            activation_id=activation_id,
        )
        right.history.append((now, "grant via manager", by))
        return right

    def regrant(self, by: str | None, now: datetime, via: str, charter_version: str | None) -> None:
        """A withdrawn right given again through an activation code keeps its history."""
        self._fire("regrant")
        self.granted_by, self.granted_at, self.via, self.charter_version = by, now, via, charter_version
        self.activation_id = None
        self.history.append((now, f"grant via {via}", by))
        self.events.append(RightGranted(self.account_id, self.siren))

    def reappoint(self, by: str, now: datetime, activation_id: str) -> None:
        """A withdrawn right given again by a colleague: the charter is to accept again."""
        self._fire("reappoint")
        self.granted_by, self.granted_at, self.via, self.charter_version = by, now, "manager", None
        self.activation_id = activation_id
        self.history.append((now, "grant via manager", by))

    def accept_charter(self, charter_version: str, now: datetime) -> None:
        """The holder of an appointed right accepts the charter: the right becomes usable."""
        self._fire("accept_charter")
        self.charter_version = charter_version
        self.history.append((now, "accept_charter", self.account_id))
        self.events.append(RightGranted(self.account_id, self.siren))

    @property
    def active(self) -> bool:
        """Usable: held, and its charter accepted."""
        return self.state is ManagerRightState.ACTIVE

    @property
    def awaiting_charter(self) -> bool:
        return self.state is ManagerRightState.APPOINTED

    @property
    def held(self) -> bool:
        """Given and not withdrawn, whether its charter is accepted yet or not."""
        return self.state is not ManagerRightState.WITHDRAWN

    def withdraw(self, by: str, now: datetime) -> None:
        self._fire("withdraw")
        self.history.append((now, "withdraw", by))
        self.events.append(RightWithdrawn(self.account_id, self.siren, by))

    def _fire(self, trigger: str) -> None:
        try:
            self.state = fire(_MACHINE, self.state, trigger)
        except IllegalTransition as exc:
            raise WrongState(_REFUSED[trigger]) from exc


_REFUSED = {
    "withdraw": "Ce droit de responsable des accès est déjà retiré.",
    "regrant": "Ce droit de responsable des accès n'est pas retiré.",
    "reappoint": "Ce droit de responsable des accès n'est pas retiré.",
    "accept_charter": "Ce droit de responsable des accès n'attend pas l'acceptation de la charte.",
}
