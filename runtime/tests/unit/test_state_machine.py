"""`fire` on a shared transitions machine: the state reached, refusals, and nothing left behind."""

from enum import StrEnum

import pytest
from transitions import Machine

from efp_runtime.state_machine import IllegalTransition, fire


class Door(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    LOCKED = "locked"


TRANSITIONS = [
    {"trigger": "close", "source": Door.OPEN, "dest": Door.CLOSED},
    {"trigger": "open", "source": Door.CLOSED, "dest": Door.OPEN},
    {"trigger": "lock", "source": Door.CLOSED, "dest": Door.LOCKED},
    {"trigger": "unlock", "source": Door.LOCKED, "dest": Door.CLOSED},
]


@pytest.fixture
def machine() -> Machine:
    return Machine(model=None, states=Door, transitions=TRANSITIONS, initial=Door.OPEN, auto_transitions=False)


class Aggregate:
    """Stands for a domain object whose state is fired through the shared machine."""

    def __init__(self, state: Door) -> None:
        self.state = state


@pytest.mark.parametrize(
    ("source", "trigger", "dest"),
    [
        (Door.OPEN, "close", Door.CLOSED),
        (Door.CLOSED, "open", Door.OPEN),
        (Door.CLOSED, "lock", Door.LOCKED),
        (Door.LOCKED, "unlock", Door.CLOSED),
    ],
)
def test_a_legal_trigger_returns_the_state_it_reaches(machine: Machine, source: Door, trigger: str, dest: Door) -> None:
    reached = fire(machine, source, trigger)

    assert reached is dest


@pytest.mark.parametrize(
    ("source", "trigger"),
    [
        (Door.OPEN, "open"),
        (Door.OPEN, "lock"),
        (Door.OPEN, "unlock"),
        (Door.CLOSED, "close"),
        (Door.CLOSED, "unlock"),
        (Door.LOCKED, "open"),
        (Door.LOCKED, "close"),
        (Door.LOCKED, "lock"),
    ],
)
def test_an_illegal_trigger_raises_illegal_transition(machine: Machine, source: Door, trigger: str) -> None:
    with pytest.raises(IllegalTransition) as refused:
        fire(machine, source, trigger)

    assert (refused.value.trigger, refused.value.source) == (trigger, source)
    assert str(refused.value) == f"{trigger} is not allowed from {source.value}"


def test_an_unknown_trigger_raises_illegal_transition(machine: Machine) -> None:
    with pytest.raises(IllegalTransition):
        fire(machine, Door.OPEN, "smash")


def test_there_are_no_automatic_to_state_triggers(machine: Machine) -> None:
    with pytest.raises(IllegalTransition):
        fire(machine, Door.OPEN, "to_locked")


def test_no_cursor_stays_bound_to_the_machine(machine: Machine) -> None:
    fire(machine, Door.OPEN, "close")
    with pytest.raises(IllegalTransition):
        fire(machine, Door.OPEN, "lock")

    assert machine.models == []


def test_firing_leaves_no_trigger_attributes_on_the_aggregate(machine: Machine) -> None:
    aggregate = Aggregate(Door.OPEN)
    attributes_before = set(vars(aggregate))

    aggregate.state = fire(machine, aggregate.state, "close")

    assert aggregate.state is Door.CLOSED
    assert set(vars(aggregate)) == attributes_before
    assert not any(hasattr(aggregate, name) for name in ("close", "may_close", "trigger", "to_open", "is_open"))


def test_the_same_machine_fires_many_aggregates_independently(machine: Machine) -> None:
    first, second = Aggregate(Door.OPEN), Aggregate(Door.CLOSED)

    first.state = fire(machine, first.state, "close")
    second.state = fire(machine, second.state, "lock")

    assert (first.state, second.state) == (Door.CLOSED, Door.LOCKED)
    assert machine.models == []
