"""Change password while logged in: the current password, the sign-up policy, the other sessions closed."""

import json
from datetime import timedelta

import pytest

from contracts.accounts import ChangePasswordV1
from contracts.topology import COMMANDS_EXCHANGE, EVENTS_EXCHANGE, SEND_EMAIL_ROUTING_KEY
from efp_runtime.message_context import MessageContext
from identity.domain.account import Account
from identity.domain.errors import InvalidCredentials, RateLimited, Unauthenticated, WeakPassword
from identity.domain.session import Session, session_id_of
from identity.fakes import T0, FakeClock, FakeCommonPasswords, Fakes
from identity.use_cases.passwords.change_password import ATTEMPTS

CONTEXT = MessageContext(message_id="m-20", correlation_id="corr-20")
OLD = "Ancien-Mot-de-Passe-1"
NEW = "Tuile-Ocre-Glycine-7"
TOKEN = "token-of-the-browser"
NOW = T0 + timedelta(minutes=10)


def change(session_token: str = TOKEN, current_password: str = OLD, password: str = NEW) -> ChangePasswordV1:
    return ChangePasswordV1(session_token=session_token, current_password=current_password, password=password)


class Service(Fakes):
    def __init__(self) -> None:
        super().__init__(clock=FakeClock(NOW), common=FakeCommonPasswords("motdepasse2024!"))
        self.change = self.use_cases().change_password

    def saved_account(self) -> Account:
        return self.accounts.accounts["a-1"]

    def revoked(self) -> dict[str, object]:
        return {s.id: s.revoked_at for s in self.sessions.sessions.values()}


@pytest.fixture
async def service() -> Service:
    service = Service()
    service.clock.now = T0
    await service.account(password_hash=f"hashed2:{OLD}")
    service.clock.now = NOW
    await service.sessions.add(Session(session_id_of(TOKEN), "a-1", "csrf", NOW, NOW), [])
    for n, account_id in enumerate(["a-1", "a-1", "a-2"]):
        await service.sessions.add(Session(f"s-{n}", account_id, "csrf", NOW, NOW), [])
    return service


async def test_the_new_password_is_hashed_and_saved(service: Service) -> None:
    done = await service.change(change(), CONTEXT)

    assert done.done
    assert service.saved_account().password_hash == f"hashed2:{NEW}"
    assert service.saved_account().history[-1].what == "password changed"


async def test_the_other_sessions_of_the_account_close_and_the_current_one_stays(service: Service) -> None:
    await service.change(change(), CONTEXT)

    assert service.revoked() == {session_id_of(TOKEN): None, "s-0": NOW, "s-1": NOW, "s-2": None}


async def test_the_change_is_published_and_the_owner_told_by_email(service: Service) -> None:
    await service.change(change(), CONTEXT)

    event, command = service.accounts.outbox
    assert (event.exchange, event.type) == (EVENTS_EXCHANGE, "identity.account.password_changed.v1")
    assert json.loads(event.body) == {"account_id": "a-1", "changed_at": "2030-01-01T12:10:00Z"}
    assert (command.exchange, command.routing_key) == (COMMANDS_EXCHANGE, SEND_EMAIL_ROUTING_KEY)
    assert json.loads(command.body)["content"] == {"template": "password_changed"}
    assert all(NEW not in m.body and OLD not in m.body for m in service.accounts.outbox)


async def test_a_wrong_current_password_is_refused_on_its_field_and_nothing_changes(service: Service) -> None:
    with pytest.raises(InvalidCredentials) as refused:
        await service.change(change(current_password="Pas-le-bon-Mot-2"), CONTEXT)

    assert refused.value.errors == [("current_password", "Le mot de passe actuel est incorrect.")]
    assert service.saved_account().password_hash == f"hashed2:{OLD}"
    assert service.accounts.outbox == []
    assert set(service.revoked().values()) == {None}


async def test_a_weak_password_is_refused_with_every_rule_on_the_password_field(service: Service) -> None:
    with pytest.raises(WeakPassword) as refused:
        await service.change(change(password="ada"), CONTEXT)

    assert len(refused.value.errors) == 3
    assert {field for field, _ in refused.value.errors} == {"password"}
    assert service.passwords.hashed == []
    assert set(service.revoked().values()) == {None}


async def test_a_common_password_is_refused(service: Service) -> None:
    with pytest.raises(WeakPassword):
        await service.change(change(password="Motdepasse2024!"), CONTEXT)


async def test_the_current_password_again_is_refused(service: Service) -> None:
    with pytest.raises(WeakPassword) as refused:
        await service.change(change(password=OLD), CONTEXT)

    assert refused.value.field == "password"
    assert service.passwords.hashed == []


async def test_guessing_the_current_password_is_throttled(service: Service) -> None:
    for _ in range(ATTEMPTS[0]):
        with pytest.raises(InvalidCredentials):
            await service.change(change(current_password="Pas-le-bon-Mot-2"), CONTEXT)

    with pytest.raises(RateLimited) as refused:
        await service.change(change(), CONTEXT)

    assert refused.value.retry_after_seconds == 42
    assert service.saved_account().password_hash == f"hashed2:{OLD}"


async def test_an_ended_session_may_not_change_the_password(service: Service) -> None:
    await service.sessions.revoke(session_id_of(TOKEN), NOW)

    with pytest.raises(Unauthenticated):
        await service.change(change(), CONTEXT)

    assert service.saved_account().password_hash == f"hashed2:{OLD}"


async def test_an_unknown_session_may_not_change_the_password(service: Service) -> None:
    with pytest.raises(Unauthenticated):
        await service.change(change(session_token="another-token"), CONTEXT)
