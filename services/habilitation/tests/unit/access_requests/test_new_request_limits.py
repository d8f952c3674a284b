"""Asking again after a cancel waits for the 30 days; one account's submissions are capped (issue 14, finding 7)."""

from datetime import datetime

import pytest

from contracts import access_requests as ar
from contracts.errors import ErrorCode
from efp_runtime.refusal import Refusal
from habilitation.domain.access_request import (
    OPEN_MAX,
    RESEND_AFTER,
    SUBMISSIONS_MAX,
    SUBMISSIONS_WINDOW,
    AccessRequest,
    RequestState,
    check_new_request,
)
from habilitation.domain.errors import RateLimited, TooEarly
from services.habilitation.tests.unit.samples import (
    CONTEXT,
    OTHER_SIREN,
    SIREN,
    SIRET,
    T0,
    World,
    actor,
    days,
    emails,
    make_request,
)

SUBMIT = ar.SubmitAccessRequestV1(actor=actor("requester"), service="ceres", siret=SIRET, message="Bonjour")


def cancelled(sent_at: datetime = T0, **fields: object) -> AccessRequest:
    request = make_request(last_sent_at=sent_at, **fields)
    request.cancel("requester", T0)
    return request


def pending(n: int, created_at: datetime = T0) -> list[AccessRequest]:
    return [make_request(id=f"r-{i}", siren=f"{i:09d}", created_at=created_at) for i in range(n)]


# The rule, on the domain alone.


def refusal(recent: list[AccessRequest], now: datetime, siren: str = SIREN) -> Refusal | None:
    try:
        check_new_request(recent, "ceres", siren, now)
    except Refusal as refused:
        return refused
    return None


def test_a_new_request_within_30_days_of_a_cancelled_one_is_too_early_with_the_resend_code() -> None:
    refused = refusal([cancelled()], T0 + days(29))

    assert isinstance(refused, TooEarly)
    assert refused.code is ErrorCode.TOO_EARLY
    assert refused.extra == {"resendable_at": (T0 + RESEND_AFTER).isoformat()}
    assert (T0 + RESEND_AFTER).strftime("%d/%m/%Y") in refused.detail


def test_a_new_request_30_days_after_the_cancelled_one_is_allowed() -> None:
    assert refusal([cancelled()], T0 + RESEND_AFTER) is None


def test_the_30_days_count_from_the_last_send_of_the_cancelled_request() -> None:
    resent = cancelled(sent_at=T0 + days(31), created_at=T0)

    assert isinstance(refusal([resent], T0 + days(40)), TooEarly)
    assert refusal([resent], T0 + days(61)) is None


def test_a_cancelled_request_to_another_organisation_does_not_delay_this_one() -> None:
    assert refusal([cancelled(siren=OTHER_SIREN)], T0 + days(1)) is None


def test_a_refused_request_does_not_delay_a_new_one() -> None:
    refused = make_request()
    refused.refuse("manager", T0, "Pas maintenant")

    assert refusal([refused], T0 + days(1)) is None


def test_the_open_requests_of_one_account_are_capped() -> None:
    assert refusal(pending(OPEN_MAX - 1, T0 - days(2)), T0) is None
    refused = refusal(pending(OPEN_MAX, T0 - days(2)), T0)

    assert isinstance(refused, RateLimited)
    assert refused.code is ErrorCode.RATE_LIMITED
    assert "en attente" in refused.detail


def test_the_submissions_of_one_account_in_24_hours_are_capped_and_say_when_to_retry() -> None:
    made = [cancelled(id=f"r-{i}", siren=f"{i:09d}", created_at=T0 + days(i / 100)) for i in range(SUBMISSIONS_MAX)]

    refused = refusal(made, T0 + days(0.5))

    assert isinstance(refused, RateLimited)
    assert refused.retry_after_seconds == int(days(0.5).total_seconds())
    assert "24 heures" in refused.detail
    assert refusal(made, T0 + SUBMISSIONS_WINDOW + days(0.001)) is None  # the first has left the window


# Through the use cases: submit, cancel, ask again.


@pytest.fixture
def world() -> World:
    world = World()
    world.member("requester")
    world.manager("alice")
    return world


async def cancel_one(world: World) -> str:
    made = await world.x.submit_access_request(SUBMIT, CONTEXT)
    await world.x.cancel_access_request(
        ar.CancelAccessRequestV1(actor=actor("requester"), access_request_id=made.id), CONTEXT
    )
    return made.id


async def test_cancel_then_submit_again_is_too_early_and_e_mails_the_managers_once(world: World) -> None:
    await cancel_one(world)
    world.clock.advance(days(29))

    with pytest.raises(TooEarly):
        await world.x.submit_access_request(SUBMIT, CONTEXT)

    assert [e["to"] for e in emails(world.requests.outbox)] == ["alice@example.fr"]
    assert [r.state for r in world.requests.items.values()] == [RequestState.CANCELLED]


async def test_cancel_then_submit_again_after_30_days_notifies_the_managers_again(world: World) -> None:
    await cancel_one(world)
    world.clock.advance(RESEND_AFTER)

    again = await world.x.submit_access_request(SUBMIT, CONTEXT)

    assert again.status == "pending"
    assert [e["to"] for e in emails(world.requests.outbox)] == ["alice@example.fr", "alice@example.fr"]


async def test_a_refused_request_may_be_asked_again_at_once(world: World) -> None:
    made = await world.x.submit_access_request(SUBMIT, CONTEXT)
    await world.x.refuse_access_request(
        ar.RefuseAccessRequestV1(actor=actor("alice"), access_request_id=made.id, reason=None), CONTEXT
    )

    again = await world.x.submit_access_request(SUBMIT, CONTEXT)

    assert again.status == "pending"


async def test_the_store_returns_pending_requests_of_any_age_and_others_only_if_sent_recently(world: World) -> None:
    world.pending(id="old-pending", created_at=T0 - days(90), last_sent_at=T0 - days(90))
    world.pending(id="old-cancelled", siren=OTHER_SIREN, last_sent_at=T0 - days(31)).cancel("requester", T0)
    world.pending(id="recent-cancelled", siren="111111111", last_sent_at=T0 - days(3)).cancel("requester", T0)

    found = await world.requests.recent_of_account("requester", T0 - RESEND_AFTER)

    assert sorted(r.id for r in found) == ["old-pending", "recent-cancelled"]
