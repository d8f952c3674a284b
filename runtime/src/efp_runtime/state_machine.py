"""Firing a shared `transitions` machine (model=None) for one aggregate at a time.

Each call binds a throwaway cursor, not the aggregate itself: the aggregate keeps its own
methods and no trigger attributes linger on it between calls. `fire_recorded` also gives the
aggregate's history entry, the one shape of a transition record in every service.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any, TypeVar

from transitions import Machine, MachineError

StateT = TypeVar("StateT", bound=Enum)


class IllegalTransition(Exception):
    def __init__(self, trigger: str, source: Enum) -> None:
        super().__init__(f"{trigger} is not allowed from {source.value}")
        self.trigger = trigger
        self.source = source


class _Cursor:
    state: Any

    def __init__(self, state: Enum) -> None:
        self.state = state


def machine(states: type[StateT], transitions: Sequence[object], initial: StateT) -> Machine:
    """The one shared machine of an aggregate type: no model bound, no implicit `to_<state>` triggers.

    `transitions` is the library's list of {"trigger", "source", "dest"} dictionaries.
    """
    rules: Any = list(transitions)  # the library's own annotation is narrower than what it accepts
    return Machine(model=None, states=states, transitions=rules, initial=initial, auto_transitions=False)


def fire(machine: Machine, state: StateT, trigger: str) -> StateT:
    """The state reached from `state` by `trigger`; raises IllegalTransition if none."""
    if trigger not in machine.get_triggers(state):
        raise IllegalTransition(trigger, state)
    cursor = _Cursor(state)
    machine.add_model(cursor, initial=state)
    try:
        machine.events[trigger].trigger(cursor)
    except MachineError as exc:
        raise IllegalTransition(trigger, state) from exc
    finally:
        machine.remove_model(cursor)
    reached: StateT = cursor.state
    return reached


@dataclass(frozen=True)
class Transition:
    """One step of an aggregate's history: when, which trigger, from and to which state, by whom, why."""

    at: datetime
    trigger: str
    source: str
    dest: str
    by: str | None = None
    why: str | None = None


def fire_recorded(
    machine: Machine, state: StateT, trigger: str, at: datetime, by: str | None = None, why: str | None = None
) -> tuple[StateT, Transition]:
    """`fire`, and the history entry of the step taken (states by their value, as stored)."""
    reached = fire(machine, state, trigger)
    return reached, Transition(at, trigger, str(state.value), str(reached.value), by, why)
