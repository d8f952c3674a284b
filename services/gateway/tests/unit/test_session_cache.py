"""The gateway's cache of session answers (in memory): what it keeps, for how long, and what drops it."""

from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel

from contracts.accounts import (
    AuthenticateSessionV1,
    ChangePasswordV1,
    DoneV1,
    LogInV1,
    LogOutV1,
    PasswordResetStepV1,
    ResetPasswordV1,
    SessionOpenedV1,
    SessionV1,
)
from contracts.errors import ErrorCode
from contracts.rpc import RpcError
from contracts.second_factor import ConfirmTotpEnrolmentV1, EnrolledV1, ProveSecondFactorV1
from efp_runtime.rpc import RpcRefused
from gateway import auth, problems
from gateway.config import GatewaySettings
from gateway.fakes import FakeServices
from gateway.session_cache import CHANGES_KEPT_SECONDS, SessionCache, SessionChanges

NOW = datetime(2030, 1, 1, 12, tzinfo=UTC)
MAX_AGE = 15.0


class Clocks:
    def __init__(self) -> None:
        self.now = NOW
        self.monotonic = 1000.0

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)
        self.monotonic += seconds


def session(account_id: str = "a-1", expires_in: float | None = 1800.0) -> SessionV1:
    expires_at = NOW + timedelta(seconds=expires_in) if expires_in is not None else None
    return SessionV1(account_id=account_id, kind="user", csrf_token="csrf", siren=None, expires_at=expires_at)


@pytest.fixture
def clocks() -> Clocks:
    return Clocks()


@pytest.fixture
def cache(clocks: Clocks) -> SessionCache:
    cache = SessionCache("amqp://unused/", lambda: clocks.now, MAX_AGE, monotonic=lambda: clocks.monotonic)
    cache._restored()  # what its event queue says once bound (test_session_cache_events.py, on the broker)
    clocks.advance(0.001)
    return cache


def test_an_answer_is_served_for_its_max_age_then_asked_again(cache: SessionCache, clocks: Clocks) -> None:
    cache.keep("t-1", session(), cache.asked())
    clocks.advance(MAX_AGE - 0.1)
    assert cache.get("t-1") == session()

    clocks.advance(0.1)
    assert cache.get("t-1") is None
    assert len(cache) == 0


def test_an_answer_is_never_served_past_the_end_identity_gave_the_session(cache: SessionCache, clocks: Clocks) -> None:
    cache.keep("t-1", session(expires_in=5), cache.asked())
    clocks.advance(4.9)
    assert cache.get("t-1") is not None

    clocks.advance(0.1)
    assert cache.get("t-1") is None


def test_a_change_of_an_account_drops_its_sessions_only(cache: SessionCache) -> None:
    for token, account in (("t-1", "a-1"), ("t-2", "a-1"), ("t-3", "a-2")):
        cache.keep(token, session(account), cache.asked())

    cache.account_changed("a-1")

    assert [cache.get(t) is not None for t in ("t-1", "t-2", "t-3")] == [False, False, True]


def test_an_answer_asked_for_before_a_change_is_not_kept(cache: SessionCache, clocks: Clocks) -> None:
    asked = cache.asked()
    clocks.advance(0.01)
    cache.account_changed("a-1")  # the event overtook identity's answer
    clocks.advance(0.01)

    cache.keep("t-1", session("a-1"), asked)
    cache.keep("t-2", session("a-2"), asked)

    assert (cache.get("t-1"), cache.get("t-2")) == (None, session("a-2"))


def test_an_answer_older_than_the_changes_remembered_is_not_kept(cache: SessionCache, clocks: Clocks) -> None:
    asked = cache.asked()
    clocks.advance(CHANGES_KEPT_SECONDS)

    cache.keep("t-1", session(), asked)

    assert cache.get("t-1") is None


def test_nothing_is_kept_or_served_while_the_events_are_cut_off(cache: SessionCache, clocks: Clocks) -> None:
    cache.keep("t-1", session(), cache.asked())

    cache._lost()
    assert cache.get("t-1") is None
    cache.keep("t-1", session(), cache.asked())
    assert cache.get("t-1") is None

    cache._restored()
    clocks.advance(0.001)
    cache.keep("t-1", session(), cache.asked())
    assert cache.get("t-1") == session()


def test_an_answer_asked_for_before_the_events_came_back_is_not_kept(cache: SessionCache, clocks: Clocks) -> None:
    cache._lost()
    asked = cache.asked()
    clocks.advance(0.01)
    cache._restored()

    cache.keep("t-1", session(), asked)

    assert cache.get("t-1") is None


def test_the_oldest_answers_go_first_past_the_size(clocks: Clocks) -> None:
    cache = SessionCache(
        "amqp://unused/", lambda: clocks.now, MAX_AGE, max_entries=2, monotonic=lambda: clocks.monotonic
    )
    cache._restored()
    clocks.advance(0.001)
    for token in ("t-1", "t-2", "t-3"):
        cache.keep(token, session(), cache.asked())

    assert [cache.get(t) is not None for t in ("t-1", "t-2", "t-3")] == [False, True, True]
    cache.account_changed("a-1")
    assert len(cache) == 0


# --- this replica's own requests ----------------------------------------------------------------------------


async def test_a_logout_drops_that_session_only_even_when_refused(cache: SessionCache) -> None:
    cache.keep("t-1", session("a-1"), cache.asked())
    cache.keep("t-2", session("a-1"), cache.asked())
    refusing = SessionChanges(FakeServices(refusal=RpcError(code=ErrorCode.CONFLICT, detail="…")), cache)

    with pytest.raises(RpcRefused):  # whatever the answer, the session may have changed
        await refusing.call("identity", LogOutV1(session_token="t-1"))

    assert (cache.get("t-1"), cache.get("t-2")) == (None, session("a-1"))


async def test_a_login_drops_the_browsers_previous_session_and_a_first_login_drops_nothing(
    cache: SessionCache,
) -> None:
    for token in ("t-1", "t-2"):
        cache.keep(token, session("a-1"), cache.asked())
    services = SessionChanges(FakeServices(session(), *_answers()), cache)

    await services.call(
        "identity",
        LogInV1(email="ada@example.fr", password="x", captcha_id="c", captcha_answer="a", previous_session_token="t-1"),
    )
    await services.call("identity", LogInV1(email="ada@example.fr", password="x", captcha_id="c", captcha_answer="a"))

    assert (cache.get("t-1"), cache.get("t-2")) == (None, session("a-1"))


async def test_a_change_to_the_account_drops_all_its_sessions(cache: SessionCache) -> None:
    for token, account in (("t-1", "a-1"), ("t-2", "a-1"), ("t-3", "a-2")):
        cache.keep(token, session(account), cache.asked())
    services = SessionChanges(FakeServices(*_answers()), cache)

    await services.call("identity", ConfirmTotpEnrolmentV1(session_token="t-1", code="123456"))

    assert [cache.get(t) is not None for t in ("t-1", "t-2", "t-3")] == [False, False, True]


async def test_a_change_to_an_account_unknown_here_or_by_a_reset_link_drops_everything(cache: SessionCache) -> None:
    services = SessionChanges(FakeServices(*_answers()), cache)
    for request in (
        ChangePasswordV1(session_token="t-9", current_password="a", password="b"),
        ResetPasswordV1(reset_id="r-1", password="b"),
    ):
        cache.keep("t-3", session("a-2"), cache.asked())
        await services.call("identity", request)
        assert cache.get("t-3") is None


async def test_a_second_step_drops_only_its_pending_session(cache: SessionCache) -> None:
    cache.keep("t-3", session("a-2"), cache.asked())
    services = SessionChanges(FakeServices(*_answers()), cache)

    await services.call(
        "identity", ProveSecondFactorV1(session_token="pending", csrf_token="c", method="totp", code="1")
    )

    assert cache.get("t-3") == session("a-2")


def test_a_cached_session_is_not_asked_of_identity_again_and_still_checks_csrf(cache: SessionCache) -> None:
    services = CountingServices(session=session())
    app = FastAPI()
    problems.install(app)
    app.state.rpc, app.state.sessions, app.state.settings = services, cache, GatewaySettings()

    @app.post("/api/v1/change")
    async def change(s: auth.Session) -> dict[str, str]:
        return {"account_id": s.account_id}

    client = TestClient(app, cookies={auth.COOKIE: "t-1"})
    assert client.post("/api/v1/change", headers={auth.CSRF_HEADER: "csrf"}).status_code == 200
    assert client.post("/api/v1/change", headers={auth.CSRF_HEADER: "csrf"}).status_code == 200
    assert client.post("/api/v1/change", headers={auth.CSRF_HEADER: "wrong"}).json()["code"] == "csrf_failed"
    assert services.sessions_asked == 1


def test_a_refused_session_is_not_kept(cache: SessionCache) -> None:
    services = CountingServices(session_refusal=RpcError(code=ErrorCode.UNAUTHENTICATED, detail="…"))
    app = FastAPI()
    problems.install(app)
    app.state.rpc, app.state.sessions, app.state.settings = services, cache, GatewaySettings()

    @app.get("/api/v1/read")
    async def read(s: auth.Session) -> dict[str, str]:
        return {"account_id": s.account_id}

    client = TestClient(app, cookies={auth.COOKIE: "t-1"})
    assert [client.get("/api/v1/read").status_code for _ in range(2)] == [401, 401]
    assert services.sessions_asked == 2


class CountingServices(FakeServices):
    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.sessions_asked = 0

    async def call(self, service, request, *, timeout_seconds=None):  # type: ignore[no-untyped-def]
        if isinstance(request, AuthenticateSessionV1):
            self.sessions_asked += 1
        return await super().call(service, request, timeout_seconds=timeout_seconds)


def _answers() -> list[BaseModel]:
    """Any answer of each request these tests send (their content does not matter here)."""
    return [
        DoneV1(),
        SessionOpenedV1.model_construct(),
        PasswordResetStepV1.model_construct(),
        EnrolledV1.model_construct(),
    ]
