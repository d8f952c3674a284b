"""The Habilitation aggregate: grant, revoke, lapse, `allows(today)`, history and events."""

import pytest

from habilitation.domain.errors import WrongState
from habilitation.domain.habilitation import (
    TRANSITIONS,
    Granted,
    Habilitation,
    HabilitationState,
    Lapsed,
    Revoked,
)
from habilitation.domain.history import Transition
from services.habilitation.tests.unit.samples import T0, TODAY, days, make_habilitation, on

LATER = T0 + days(3)


def in_state(state: HabilitationState, end_offset: int | None = None) -> Habilitation:
    habilitation = make_habilitation(end_date=on(end_offset) if end_offset is not None else None)
    if state is HabilitationState.REVOKED:
        habilitation.revoke("manager", T0)
    elif state is HabilitationState.EXPIRED:
        habilitation.end_date = TODAY
        assert habilitation.lapse(TODAY, T0)
    habilitation.events.clear()
    return habilitation


def test_the_transition_table_has_exactly_revoke_and_lapse_from_active() -> None:
    assert {(t["trigger"], t["source"], t["dest"]) for t in TRANSITIONS} == {
        ("revoke", HabilitationState.ACTIVE, HabilitationState.REVOKED),
        ("lapse", HabilitationState.ACTIVE, HabilitationState.EXPIRED),
    }


def test_a_grant_is_active_and_records_who_granted_it_when() -> None:
    habilitation = make_habilitation(granted_by="boss", granted_at=T0)

    assert habilitation.state is HabilitationState.ACTIVE
    assert habilitation.history == [Transition(T0, "grant", "boss", None)]
    assert habilitation.events == [Granted("h-1")]


def test_revoke_from_active_records_who_when_and_why_and_an_event() -> None:
    habilitation = in_state(HabilitationState.ACTIVE)

    habilitation.revoke("boss", LATER, "a quitté la structure")

    assert habilitation.state is HabilitationState.REVOKED
    assert habilitation.history[-1] == Transition(LATER, "revoke", "boss", "a quitté la structure")
    assert habilitation.events == [Revoked("h-1", "boss", "a quitté la structure")]


@pytest.mark.parametrize("state", [HabilitationState.REVOKED, HabilitationState.EXPIRED])
def test_revoke_from_an_ended_state_is_a_wrong_state_and_changes_nothing(state: HabilitationState) -> None:
    habilitation = in_state(state)
    history = list(habilitation.history)

    with pytest.raises(WrongState, match="n'est plus active"):
        habilitation.revoke("boss", LATER)

    assert habilitation.state is state
    assert habilitation.history == history
    assert habilitation.events == []


def test_lapse_on_the_end_date_expires_it_by_the_system_with_the_reason() -> None:
    habilitation = in_state(HabilitationState.ACTIVE, end_offset=0)

    assert habilitation.lapse(TODAY, LATER) is True

    assert habilitation.state is HabilitationState.EXPIRED
    assert habilitation.history[-1] == Transition(LATER, "lapse", "system", "date de fin atteinte")
    assert habilitation.events == [Lapsed("h-1")]


def test_lapse_after_the_end_date_expires_it() -> None:
    habilitation = in_state(HabilitationState.ACTIVE, end_offset=-10)

    assert habilitation.lapse(TODAY, LATER) is True
    assert habilitation.state is HabilitationState.EXPIRED


def test_lapse_the_day_before_the_end_date_does_nothing() -> None:
    habilitation = in_state(HabilitationState.ACTIVE, end_offset=1)

    assert habilitation.lapse(TODAY, LATER) is False

    assert habilitation.state is HabilitationState.ACTIVE
    assert [t.trigger for t in habilitation.history] == ["grant"]
    assert habilitation.events == []


def test_lapse_without_an_end_date_does_nothing() -> None:
    habilitation = in_state(HabilitationState.ACTIVE)

    assert habilitation.lapse(on(10_000), LATER) is False
    assert habilitation.state is HabilitationState.ACTIVE


@pytest.mark.parametrize("state", [HabilitationState.REVOKED, HabilitationState.EXPIRED])
def test_lapse_from_an_ended_state_does_nothing_and_raises_nothing(state: HabilitationState) -> None:
    habilitation = in_state(state, end_offset=-1)
    habilitation.end_date = on(-1)
    history = list(habilitation.history)

    assert habilitation.lapse(TODAY, LATER) is False

    assert habilitation.state is state
    assert habilitation.history == history
    assert habilitation.events == []


def test_an_active_habilitation_allows_the_day_before_its_end_date() -> None:
    assert make_habilitation(end_date=on(1)).allows(TODAY) is True


def test_on_its_end_date_access_is_gone() -> None:
    assert make_habilitation(end_date=TODAY).allows(TODAY) is False


def test_after_its_end_date_access_is_gone_even_if_not_yet_swept() -> None:
    habilitation = make_habilitation(end_date=on(-5))

    assert habilitation.state is HabilitationState.ACTIVE
    assert habilitation.allows(TODAY) is False


def test_without_an_end_date_an_active_habilitation_always_allows() -> None:
    assert make_habilitation(end_date=None).allows(on(100_000)) is True


@pytest.mark.parametrize("state", [HabilitationState.REVOKED, HabilitationState.EXPIRED])
def test_an_ended_habilitation_never_allows(state: HabilitationState) -> None:
    habilitation = in_state(state)
    habilitation.end_date = None

    assert habilitation.allows(TODAY) is False
