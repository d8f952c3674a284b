"""One step of an aggregate's history: when, which trigger, by whom, why. Never deleted: it is the audit trail."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Transition:
    at: datetime
    trigger: str
    by: str
    why: str | None = None


def transition_of(stored: dict[str, Any]) -> Transition:
    """A history entry as the repositories store it (its fields, by name)."""
    return Transition(stored["at"], stored["trigger"], stored["by"], stored.get("why"))


def stored_transition(transition: Transition) -> dict[str, Any]:
    """The history entry as the repositories store it."""
    return {"at": transition.at, "trigger": transition.trigger, "by": transition.by, "why": transition.why}
