"""« Se déconnecter de mes autres sessions »: the account's other sessions close, this one stays."""

from datetime import timedelta

import pytest

from contracts.accounts import LogOutOtherSessionsV1
from efp_runtime.message_context import MessageContext
from identity.domain.errors import Unauthenticated
from identity.domain.session import Session, session_id_of
from identity.fakes import T0, Fakes

CONTEXT = MessageContext(message_id="m-12", correlation_id="corr-12")


@pytest.fixture
async def service() -> Fakes:
    service = Fakes()
    for token, account in (("here", "a-1"), ("elsewhere", "a-1"), ("phone", "a-1"), ("someone-else", "a-2")):
        await service.sessions.add(Session(session_id_of(token), account, "csrf", created_at=T0, last_seen_at=T0), [])
    return service


async def test_every_other_session_of_the_account_closes_and_this_one_stays(service: Fakes) -> None:
    closed = await service.use_cases().log_out_other_sessions(LogOutOtherSessionsV1(session_token="here"), CONTEXT)

    assert closed.closed == 2
    open_ids = {s.id for s in service.sessions.sessions.values() if s.revoked_at is None}
    assert open_ids == {session_id_of("here"), session_id_of("someone-else")}


async def test_an_ended_session_cannot_close_the_others(service: Fakes) -> None:
    service.clock.advance(timedelta(hours=13))

    with pytest.raises(Unauthenticated):
        await service.use_cases().log_out_other_sessions(LogOutOtherSessionsV1(session_token="here"), CONTEXT)

    assert all(s.revoked_at is None for s in service.sessions.sessions.values())
