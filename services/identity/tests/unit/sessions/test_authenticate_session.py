"""Who is behind a cookie: active sessions only, last-seen saved at most once a minute; logout."""

from datetime import timedelta

import pytest

from contracts.accounts import AuthenticateSessionV1, LogOutV1
from efp_runtime.message_context import MessageContext
from identity.domain.account import AccountKind
from identity.domain.errors import Unauthenticated
from identity.domain.session import ABSOLUTE_LIFETIME, IDLE_TIMEOUT, TOUCH_INTERVAL, Session, session_id_of
from identity.fakes import T0, Fakes

CONTEXT = MessageContext(message_id="m-7", correlation_id="corr-7")
TOKEN = "the-cookie-token"
SESSION_ID = session_id_of(TOKEN)


class Service(Fakes):
    def __init__(self) -> None:
        super().__init__()
        identity = self.use_cases()
        self.authenticate, self.log_out = identity.authenticate_session, identity.log_out

    def stored(self) -> Session:
        return self.sessions.sessions[SESSION_ID]


@pytest.fixture
async def service() -> Service:
    service = Service()
    await service.account(
        email="agent@travail.gouv.fr",
        kind=AccountKind.AGENT,
        civility=None,
        last_name="Agent",
        first_name="Initial",
        agent_service="DGEFP",
    )
    await service.sessions.add(Session(SESSION_ID, "a-1", "csrf-1", created_at=T0, last_seen_at=T0), [])
    return service


async def test_an_active_session_names_its_account(service: Service) -> None:
    session = await service.authenticate(AuthenticateSessionV1(session_token=TOKEN), CONTEXT)

    assert (session.account_id, session.kind, session.csrf_token, session.siren) == ("a-1", "agent", "csrf-1", None)


async def test_an_unknown_token_is_unauthenticated(service: Service) -> None:
    with pytest.raises(Unauthenticated):
        await service.authenticate(AuthenticateSessionV1(session_token="another-token"), CONTEXT)


async def test_the_stored_id_itself_opens_nothing(service: Service) -> None:
    with pytest.raises(Unauthenticated):
        await service.authenticate(AuthenticateSessionV1(session_token=SESSION_ID), CONTEXT)


async def test_a_revoked_session_is_unauthenticated(service: Service) -> None:
    await service.sessions.revoke(SESSION_ID, T0)
    service.clock.advance(timedelta(seconds=1))

    with pytest.raises(Unauthenticated):
        await service.authenticate(AuthenticateSessionV1(session_token=TOKEN), CONTEXT)


async def test_a_session_idle_for_thirty_minutes_is_unauthenticated(service: Service) -> None:
    service.clock.advance(IDLE_TIMEOUT)

    with pytest.raises(Unauthenticated):
        await service.authenticate(AuthenticateSessionV1(session_token=TOKEN), CONTEXT)


async def test_a_session_older_than_a_day_is_unauthenticated_even_in_use(service: Service) -> None:
    service.stored().last_seen_at = T0 + ABSOLUTE_LIFETIME - timedelta(minutes=1)
    service.clock.now = T0 + ABSOLUTE_LIFETIME

    with pytest.raises(Unauthenticated):
        await service.authenticate(AuthenticateSessionV1(session_token=TOKEN), CONTEXT)


async def test_a_session_of_a_deleted_account_is_unauthenticated(service: Service) -> None:
    del service.accounts.accounts["a-1"]

    with pytest.raises(Unauthenticated):
        await service.authenticate(AuthenticateSessionV1(session_token=TOKEN), CONTEXT)


async def test_last_seen_is_not_saved_within_the_touch_interval(service: Service) -> None:
    service.clock.advance(TOUCH_INTERVAL - timedelta(seconds=1))

    await service.authenticate(AuthenticateSessionV1(session_token=TOKEN), CONTEXT)

    assert service.stored().last_seen_at == T0


async def test_last_seen_is_saved_after_the_touch_interval(service: Service) -> None:
    service.clock.advance(TOUCH_INTERVAL)

    await service.authenticate(AuthenticateSessionV1(session_token=TOKEN), CONTEXT)

    assert service.stored().last_seen_at == T0 + TOUCH_INTERVAL


async def test_regular_use_keeps_a_session_past_the_idle_timeout(service: Service) -> None:
    for _ in range(4):
        service.clock.advance(timedelta(minutes=20))
        await service.authenticate(AuthenticateSessionV1(session_token=TOKEN), CONTEXT)

    assert service.stored().last_seen_at == T0 + timedelta(minutes=80)


async def test_logging_out_revokes_the_session_on_the_server(service: Service) -> None:
    service.clock.advance(timedelta(minutes=2))

    done = await service.log_out(LogOutV1(session_token=TOKEN), CONTEXT)

    assert done.done is True
    assert service.stored().revoked_at == T0 + timedelta(minutes=2)
    with pytest.raises(Unauthenticated):
        await service.authenticate(AuthenticateSessionV1(session_token=TOKEN), CONTEXT)


async def test_logging_out_an_unknown_or_closed_session_is_done_all_the_same(service: Service) -> None:
    await service.log_out(LogOutV1(session_token=TOKEN), CONTEXT)
    service.clock.advance(timedelta(minutes=5))

    assert (await service.log_out(LogOutV1(session_token=TOKEN), CONTEXT)).done is True
    assert (await service.log_out(LogOutV1(session_token="unknown"), CONTEXT)).done is True
    assert service.stored().revoked_at == T0


async def test_the_answer_says_when_the_session_ends_unless_used_again(service: Service) -> None:
    service.clock.advance(TOUCH_INTERVAL - timedelta(seconds=1))
    untouched = await service.authenticate(AuthenticateSessionV1(session_token=TOKEN), CONTEXT)
    assert untouched.expires_at == T0 + IDLE_TIMEOUT

    service.clock.advance(timedelta(seconds=1))
    touched = await service.authenticate(AuthenticateSessionV1(session_token=TOKEN), CONTEXT)
    assert touched.expires_at == T0 + TOUCH_INTERVAL + IDLE_TIMEOUT

    service.stored().last_seen_at = service.clock.now = T0 + ABSOLUTE_LIFETIME - timedelta(minutes=10)
    near_the_end = await service.authenticate(AuthenticateSessionV1(session_token=TOKEN), CONTEXT)
    assert near_the_end.expires_at == T0 + ABSOLUTE_LIFETIME
