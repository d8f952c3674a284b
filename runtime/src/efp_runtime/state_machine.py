"""Firing a shared `transitions` machine (model=None) for one aggregate at a time.

Each call binds a throwaway cursor, not the aggregate itself: the aggregate keeps its own
methods and no trigger attributes linger on it between calls.
"""

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
