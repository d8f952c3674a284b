"""Activation: a person about to be access manager is shown the charter; accepting it makes the right usable.

Either they proved SIRET + activation code, or a manager of their organisation appointed them
(no code: `activation_code_id` is None).
"""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from efp_runtime.state_machine import IllegalTransition, fire, machine
from habilitation.domain.errors import WrongState


class ActivationState(StrEnum):
    STARTED = "started"
    COMPLETED = "completed"


TRANSITIONS = [{"trigger": "accept_charter", "source": ActivationState.STARTED, "dest": ActivationState.COMPLETED}]
_MACHINE = machine(ActivationState, TRANSITIONS, initial=ActivationState.STARTED)


@dataclass(frozen=True)
class ActivationTransition:
    at: datetime
    trigger: str
    by: str


@dataclass
class Activation:
    """Belongs to one account; the code itself is redeemed only when the charter is accepted,
    so a person who stops at the charter has not used up the organisation's code."""

    id: str
    account_id: str
    activation_code_id: str | None
    service: str
    siret: str
    siren: str
    # The version shown at the start is the one the person accepts.
    charter_version: str
    started_at: datetime
    organisation_name: str | None = None
    state: ActivationState = ActivationState.STARTED
    completed_at: datetime | None = None
    version: int = 0
    history: list[ActivationTransition] = field(default_factory=list)

    @classmethod
    def start(cls, **fields: Any) -> "Activation":
        activation = cls(**fields)
        activation.history.append(ActivationTransition(activation.started_at, "start", activation.account_id))
        return activation

    @property
    def appointed(self) -> bool:
        """Started by a colleague's appointment rather than by an activation code."""
        return self.activation_code_id is None

    @property
    def completed(self) -> bool:
        return self.state is ActivationState.COMPLETED

    def accept_charter(self, by: str, now: datetime) -> None:
        try:
            self.state = fire(_MACHINE, self.state, "accept_charter")
        except IllegalTransition as exc:
            raise WrongState("Cette activation est déjà terminée.") from exc
        self.completed_at = now
        self.history.append(ActivationTransition(now, "accept_charter", by))
