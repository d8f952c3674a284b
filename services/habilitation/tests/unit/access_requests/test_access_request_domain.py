"""The AccessRequest aggregate: accept, refuse, cancel and resend from every state, the 30-day rule, ownership."""

from collections.abc import Callable

import pytest

from habilitation.domain.access_request import (
    RESEND_AFTER,
    TRANSITIONS,
    AccessRequest,
    RequestEvent,
    RequestState,
)
from habilitation.domain.errors import Forbidden, TooEarly, WrongState
from habilitation.domain.history import Transition
from services.habilitation.tests.unit.samples import T0, days, make_request

LATER = T0 + days(1)
DECIDED = [RequestState.ACCEPTED, RequestState.REFUSED, RequestState.CANCELLED]


def in_state(state: RequestState) -> AccessRequest:
    request = make_request()
    if state is RequestState.ACCEPTED:
        request.accept("manager", T0)
    elif state is RequestState.REFUSED:
        request.refuse("manager", T0, "non")
    elif state is RequestState.CANCELLED:
        request.cancel("requester", T0)
    request.events.clear()
    return request


TRIGGERS: dict[str, Callable[[AccessRequest], None]] = {
    "accept": lambda r: r.accept("manager", LATER + days(60)),
    "refuse": lambda r: r.refuse("manager", LATER + days(60), "motif"),
    "cancel": lambda r: r.cancel("requester", LATER + days(60)),
    "resend": lambda r: r.resend("requester", LATER + days(60)),
}


def test_the_transition_table_allows_every_trigger_only_from_pending() -> None:
    assert {(t["trigger"], t["source"], t["dest"]) for t in TRANSITIONS} == {
        ("accept", RequestState.PENDING, RequestState.ACCEPTED),
        ("refuse", RequestState.PENDING, RequestState.REFUSED),
        ("cancel", RequestState.PENDING, RequestState.CANCELLED),
        ("resend", RequestState.PENDING, RequestState.PENDING),
    }


def test_a_submitted_request_is_pending_with_its_history_and_event() -> None:
    request = make_request()

    assert request.state is RequestState.PENDING
    assert request.history == [Transition(T0, "submit", "requester")]
    assert request.events == [RequestEvent("submitted")]


def test_accept_from_pending_records_the_decision() -> None:
    request = in_state(RequestState.PENDING)

    request.accept("manager", LATER)

    assert request.state is RequestState.ACCEPTED
    assert (request.decided_by, request.decided_at, request.reason) == ("manager", LATER, None)
    assert request.history[-1] == Transition(LATER, "accept", "manager", None)
    assert request.events == [RequestEvent("accepted")]


def test_refuse_from_pending_records_the_decision_and_the_reason() -> None:
    request = in_state(RequestState.PENDING)

    request.refuse("manager", LATER, "Vous ne faites pas partie de l'équipe.")

    assert request.state is RequestState.REFUSED
    assert (request.decided_by, request.decided_at) == ("manager", LATER)
    assert request.reason == "Vous ne faites pas partie de l'équipe."
    assert request.history[-1] == Transition(LATER, "refuse", "manager", "Vous ne faites pas partie de l'équipe.")
    assert request.events == [RequestEvent("refused")]


def test_cancel_from_pending_by_the_requester_is_recorded_without_a_decision() -> None:
    request = in_state(RequestState.PENDING)

    request.cancel("requester", LATER)

    assert request.state is RequestState.CANCELLED
    assert request.decided_by is None
    assert request.history[-1] == Transition(LATER, "cancel", "requester")
    assert request.events == [RequestEvent("cancelled")]


@pytest.mark.parametrize("state", DECIDED)
@pytest.mark.parametrize("trigger", TRIGGERS)
def test_every_trigger_from_a_decided_state_is_a_wrong_state_and_changes_nothing(
    state: RequestState, trigger: str
) -> None:
    request = in_state(state)
    before = (request.state, list(request.history), request.decided_by, request.last_sent_at)

    with pytest.raises(WrongState, match="déjà été traitée"):
        TRIGGERS[trigger](request)

    assert (request.state, request.history, request.decided_by, request.last_sent_at) == before
    assert request.events == []


def test_resend_before_30_days_is_refused_with_the_date_in_french_and_resendable_at() -> None:
    request = in_state(RequestState.PENDING)

    with pytest.raises(TooEarly) as refused:
        request.resend("requester", T0 + RESEND_AFTER - days(1))

    assert "14/02/2030" in refused.value.detail
    assert refused.value.extra == {"resendable_at": (T0 + days(30)).isoformat()}
    assert refused.value.code == "too_early"
    assert request.last_sent_at == T0
    assert request.events == []


def test_resend_one_second_before_30_days_is_still_refused() -> None:
    request = in_state(RequestState.PENDING)

    with pytest.raises(TooEarly):
        request.resend("requester", T0 + days(30) - days(1) / 86_400)


def test_resend_exactly_30_days_after_the_last_send_is_allowed_and_moves_last_sent_at() -> None:
    request = in_state(RequestState.PENDING)
    at = T0 + days(30)

    request.resend("requester", at)

    assert request.state is RequestState.PENDING
    assert request.last_sent_at == at
    assert request.resendable_at == at + days(30)
    assert request.history[-1] == Transition(at, "resend", "requester")
    assert request.events == [RequestEvent("resent")]


def test_after_a_resend_the_next_one_waits_30_days_from_it() -> None:
    request = in_state(RequestState.PENDING)
    request.resend("requester", T0 + days(45))

    with pytest.raises(TooEarly) as refused:
        request.resend("requester", T0 + days(60))

    assert refused.value.extra["resendable_at"] == (T0 + days(75)).isoformat()
    assert request.created_at == T0


@pytest.mark.parametrize("trigger", ["resend", "cancel"])
def test_only_the_requester_may_resend_or_cancel(trigger: str) -> None:
    request = in_state(RequestState.PENDING)

    with pytest.raises(Forbidden):
        getattr(request, trigger)("manager", T0 + days(31))

    assert request.state is RequestState.PENDING
    assert request.last_sent_at == T0
    assert request.events == []
