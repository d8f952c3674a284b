"""The ManagerRight aggregate: grant, appoint then accept the charter, withdraw, regrant keeping the history."""

import pytest

from habilitation.domain.errors import WrongState
from habilitation.domain.manager_right import TRANSITIONS, ManagerRight, ManagerRightState, RightGranted, RightWithdrawn
from services.habilitation.tests.unit.samples import SIREN, T0, days, make_right

LATER = T0 + days(2)


def test_the_transition_table_makes_an_appointed_right_usable_only_through_the_charter() -> None:
    appointed, active, withdrawn = ManagerRightState.APPOINTED, ManagerRightState.ACTIVE, ManagerRightState.WITHDRAWN
    assert [(t["trigger"], t["source"], t["dest"]) for t in TRANSITIONS] == [
        ("accept_charter", appointed, active),
        ("withdraw", [appointed, active], withdrawn),
        ("regrant", withdrawn, active),
        ("reappoint", withdrawn, appointed),
    ]


def test_an_appointed_right_is_held_but_not_usable_until_its_charter_is_accepted() -> None:
    right = ManagerRight.appoint("bea", SIREN, "alice", T0, "activation-1")

    assert (right.held, right.active, right.awaiting_charter) == (True, False, True)
    assert (right.granted_by, right.via, right.charter_version, right.activation_id) == (
        "alice",
        "manager",
        None,
        "activation-1",
    )
    assert right.events == []

    right.accept_charter("2024-11", LATER)

    assert (right.active, right.awaiting_charter, right.charter_version) == (True, False, "2024-11")
    assert right.history == [(T0, "grant via manager", "alice"), (LATER, "accept_charter", "bea")]
    assert right.events == [RightGranted("bea", SIREN)]


def test_the_charter_of_an_active_or_withdrawn_right_cannot_be_accepted_again() -> None:
    active = make_right("alice")
    withdrawn = ManagerRight.appoint("bea", SIREN, "alice", T0, "activation-1")
    withdrawn.withdraw("alice", LATER)

    for right in (active, withdrawn):
        with pytest.raises(WrongState, match="n'attend pas"):
            right.accept_charter("2024-11", LATER)


def test_an_appointed_right_withdrawn_then_appointed_again_awaits_the_charter_again() -> None:
    right = ManagerRight.appoint("bea", SIREN, "alice", T0, "activation-1")
    right.withdraw("alice", LATER)

    right.reappoint("alice", LATER + days(1), "activation-2")

    assert (right.awaiting_charter, right.activation_id) == (True, "activation-2")
    assert [what for _, what, _ in right.history] == ["grant via manager", "withdraw", "grant via manager"]


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

    right.regrant(None, again, "activation_code", "2024-11")

    assert right.active
    assert (right.granted_by, right.granted_at, right.via, right.charter_version) == (
        None,
        again,
        "activation_code",
        "2024-11",
    )
    assert right.history == [
        (T0, "grant via activation_code", None),
        (LATER, "withdraw", "boss"),
        (again, "grant via activation_code", None),
    ]
    assert right.events == [RightGranted("alice", SIREN)]


def test_a_regranted_right_can_be_withdrawn_again() -> None:
    right = make_right("alice")
    right.withdraw("boss", LATER)
    right.regrant(None, LATER + days(1), "activation_code", "2024-11")

    right.withdraw("boss", LATER + days(2))

    assert right.state is ManagerRightState.WITHDRAWN
    assert [what for _, what, _ in right.history].count("withdraw") == 2
