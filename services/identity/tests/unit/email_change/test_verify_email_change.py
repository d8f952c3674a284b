"""« Modifier mon adresse e-mail », step 2: the code makes the new address the login, and tells the old one."""

import json
import logging
from datetime import timedelta

import pytest

from contracts.topology import EVENTS_EXCHANGE
from identity.domain.account import Account
from identity.domain.errors import AccountExists, CodeExpired, InvalidCode, InvalidInput, TooManyAttempts
from identity.domain.session import Session, session_id_of
from identity.fakes import T0

from .harness import NEW, TOKEN, Changing


@pytest.fixture
async def service() -> Changing:
    service = Changing()
    await service.with_ada()
    for n, account_id in enumerate(["a-1", "a-1", "a-2"]):
        await service.sessions.add(Session(f"s-{n}", account_id, "csrf", T0, T0), [])
    await service.start()
    service.remember_code()
    service.clock.advance(timedelta(minutes=5))
    return service


NOW = T0 + timedelta(minutes=5)


async def test_the_right_code_changes_the_address_and_answers_the_profile(service: Changing) -> None:
    profile = await service.verify(service.code)

    assert profile.email == NEW
    assert service.ada().email == NEW
    assert service.ada().pending_email_change is None
    assert service.ada().history[-1].what == "email changed"
    assert await service.accounts.by_email(NEW) is not None
    assert await service.accounts.by_email("ada@example.fr") is None


async def test_the_change_is_published_and_the_old_address_told_with_a_masked_hint(service: Changing) -> None:
    code = service.code
    await service.verify(code)

    event, command = service.accounts.outbox
    assert (event.exchange, event.type) == (EVENTS_EXCHANGE, "identity.account.email_changed.v1")
    assert json.loads(event.body) == {"account_id": "a-1", "email": NEW, "changed_at": "2030-01-01T12:05:00Z"}
    email = json.loads(command.body)
    assert email["to"] == "ada@example.fr"
    assert email["account_id"] == "a-1"
    assert email["content"] == {
        "template": "email_changed",
        "new_email_hint": "j•••@exemple.fr",
        "changed_at": "2030-01-01T12:05:00Z",
    }
    assert all(code not in m.body for m in service.accounts.outbox)


async def test_every_other_session_of_the_account_closes_and_this_one_stays(service: Changing) -> None:
    await service.verify(service.code)

    revoked = {s.id: s.revoked_at for s in service.sessions.sessions.values()}
    assert revoked == {session_id_of(TOKEN): None, "s-0": NOW, "s-1": NOW, "s-2": None}


async def test_a_wrong_code_is_counted_and_changes_nothing_else(service: Changing) -> None:
    code = service.code

    with pytest.raises(InvalidCode) as refused:
        await service.verify(service.wrong(code))

    assert refused.value.field == "code"
    assert service.ada().email == "ada@example.fr"
    pending = service.ada().pending_email_change
    assert pending is not None
    assert pending.wrong_codes == 1
    assert service.accounts.outbox == []
    assert all(s.revoked_at is None for s in service.sessions.sessions.values())
    assert (await service.failures.get("codes:email-change:a-1")).count == 1  # type: ignore[union-attr]


async def test_the_fifth_wrong_code_ends_the_change(service: Changing) -> None:
    code = service.code
    for _ in range(4):
        with pytest.raises(InvalidCode):
            await service.verify(service.wrong(code))

    with pytest.raises(TooManyAttempts):
        await service.verify(service.wrong(code))

    assert service.ada().pending_email_change is None
    with pytest.raises(CodeExpired):  # the right code now finds no change
        await service.verify(code)
    assert service.ada().email == "ada@example.fr"


async def test_an_expired_code_is_refused_and_the_change_ends(service: Changing) -> None:
    service.clock.advance(timedelta(minutes=25))
    await service.sessions.touch(session_id_of(TOKEN), service.clock())  # the person kept using the site

    with pytest.raises(CodeExpired) as refused:
        await service.verify(service.code)

    assert refused.value.field == "code"
    assert service.ada().pending_email_change is None
    assert service.ada().email == "ada@example.fr"
    assert service.accounts.outbox == []


@pytest.mark.parametrize("code", ["12345", "abcdef", "١٢٣٤٥٦"])
async def test_a_code_that_is_not_six_digits_is_a_validation_error(service: Changing, code: str) -> None:
    with pytest.raises(InvalidInput):
        await service.verify(code)

    pending = service.ada().pending_email_change
    assert pending is not None
    assert pending.wrong_codes == 0


async def test_no_code_matches_a_change_to_a_taken_address() -> None:
    service = Changing()
    await service.with_ada()
    await service.accounts.add(Account.open(**{**_fields(service), "id": "a-2", "email": NEW}), [])
    await service.start()

    for code in (f"{n:06d}" for n in range(4)):
        with pytest.raises((InvalidCode, TooManyAttempts)):
            await service.verify(code)
    assert service.ada().email == "ada@example.fr"


async def test_an_address_taken_since_the_code_was_sent_is_refused_and_the_change_ends(service: Changing) -> None:
    await service.accounts.add(Account.open(**{**_fields(service), "id": "a-3", "email": NEW}), [])

    with pytest.raises(AccountExists):
        await service.verify(service.code)

    assert service.ada().email == "ada@example.fr"
    assert service.ada().pending_email_change is None
    assert all(s.revoked_at is None for s in service.sessions.sessions.values())


async def test_the_code_is_in_no_log_line(service: Changing, caplog: pytest.LogCaptureFixture) -> None:
    code = service.code
    caplog.set_level(logging.DEBUG)

    with pytest.raises(InvalidCode):
        await service.verify(service.wrong(code))
    await service.verify(code)

    assert caplog.records
    assert all(code not in r.getMessage() and NEW not in r.getMessage() for r in caplog.records)


def _fields(service: Changing) -> dict[str, object]:
    ada = service.ada()
    return {
        "kind": ada.kind,
        "password_hash": "hashed2:y",
        "civility": None,
        "last_name": "Hopper",
        "first_name": "Grace",
        "created_at": T0,
    }


async def test_the_sweep_removes_a_change_once_its_code_expired(service: Changing) -> None:
    sweep = service.mine.forget_expired_email_changes

    assert await sweep() == 0  # 5 minutes old: kept
    service.clock.advance(timedelta(minutes=25))

    assert await sweep() == 1
    assert service.ada().pending_email_change is None
    assert service.ada().email == "ada@example.fr"
    assert await sweep() == 0
