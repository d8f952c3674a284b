"""The ManagerRight aggregate: grant, withdraw from each state, regrant keeping the history."""

import pytest

from habilitation.domain.errors import WrongState
from habilitation.domain.manager_right import TRANSITIONS, ManagerRightState, RightGranted, RightWithdrawn
from services.habilitation.tests.unit.core_fakes import SIREN, T0, days, make_right

LATER = T0 + days(2)


def test_the_transition_table_has_only_withdraw_from_active() -> None:
    assert [(t["trigger"], t["source"], t["dest"]) for t in TRANSITIONS] == [
        ("withdraw", ManagerRightState.ACTIVE, ManagerRightState.WITHDRAWN)
    ]


def test_a_right_is_identified_by_account_and_organisation() -> None:
    assert make_right("alice", SIREN).id == f"alice:{SIREN}"


def test_a_grant_is_active_and_records_how_and_by_whom() -> None:
    right = make_right("alice", granted_by=None, via="activation_code")

    assert right.active
    assert right.history == [(T0, "grant via activation_code", None)]
    assert right.events == [RightGranted("alice", SIREN)]


def test_withdraw_from_active_records_who_when_and_an_event() -> None:
    right = make_right("alice")
    right.events.clear()

    right.withdraw("boss", LATER)

    assert right.state is ManagerRightState.WITHDRAWN
    assert not right.active
    assert right.history[-1] == (LATER, "withdraw", "boss")
    assert right.events == [RightWithdrawn("alice", SIREN, "boss")]


def test_withdraw_from_withdrawn_is_a_wrong_state_and_changes_nothing() -> None:
    right = make_right("alice")
    right.withdraw("boss", LATER)
    right.events.clear()
    history = list(right.history)

    with pytest.raises(WrongState, match="déjà retiré"):
        right.withdraw("boss", LATER + days(1))

    assert right.state is ManagerRightState.WITHDRAWN
    assert right.history == history
    assert right.events == []


def test_regrant_after_a_withdrawal_is_active_again_and_keeps_the_whole_history() -> None:
    right = make_right("alice")
    right.withdraw("boss", LATER)
    right.events.clear()
    again = LATER + days(1)

    right.regrant("boss", again, "manager", None)

    assert right.active
    assert (right.granted_by, right.granted_at, right.via, right.charter_version) == ("boss", again, "manager", None)
    assert right.history == [
        (T0, "grant via activation_code", None),
        (LATER, "withdraw", "boss"),
        (again, "grant via manager", "boss"),
    ]
    assert right.events == [RightGranted("alice", SIREN)]


def test_a_regranted_right_can_be_withdrawn_again() -> None:
    right = make_right("alice")
    right.withdraw("boss", LATER)
    right.regrant("boss", LATER + days(1), "manager", None)

    right.withdraw("boss", LATER + days(2))

    assert right.state is ManagerRightState.WITHDRAWN
    assert [what for _, what, _ in right.history].count("withdraw") == 2
