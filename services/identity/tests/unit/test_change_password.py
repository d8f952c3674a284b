"""Change password while logged in: the current password, the sign-up policy, the other sessions closed."""

import json
from datetime import timedelta

import pytest

from contracts.topology import COMMANDS_EXCHANGE, EVENTS_EXCHANGE, SEND_EMAIL_ROUTING_KEY
from efp_runtime.message_context import MessageContext
from identity.domain.account import Account, AccountKind
from identity.domain.errors import InvalidCredentials, RateLimited, Unauthenticated, WeakPassword
from identity.domain.session import Session, session_id_of
from identity.use_cases.change_password import ChangePassword
from services.identity.tests.unit.account_fakes import (
    FakeAccountRepository,
    FakeRateLimiter,
    FakeSessionRepository,
    RecordingPasswordHasher,
)
from services.identity.tests.unit.fakes import T0, FakeClock

CONTEXT = MessageContext(message_id="m-20", correlation_id="corr-20")
OLD = "Ancien-Mot-de-Passe-1"
NEW = "Tuile-Ocre-Glycine-7"
TOKEN = "token-of-the-browser"
NOW = T0 + timedelta(minutes=10)


class Service:
    def __init__(self) -> None:
        self.clock = FakeClock(NOW)
        self.accounts = FakeAccountRepository()
        self.sessions = FakeSessionRepository()
        self.passwords = RecordingPasswordHasher()
        self.limiter = FakeRateLimiter()
        self.change = ChangePassword(
            self.accounts,
            self.sessions,
            self.passwords,
            self.limiter,
            lambda p: p == "Motdepasse2024!",
            self.clock,
            attempts=(3, timedelta(minutes=5)),
        )

    def account(self) -> Account:
        return self.accounts.accounts["a-1"]

    def revoked(self) -> dict[str, object]:
        return {s.id: s.revoked_at for s in self.sessions.sessions.values()}


@pytest.fixture
async def service() -> Service:
    service = Service()
    account = Account.open(
        id="a-1",
        email="ada@example.fr",
        kind=AccountKind.USER,
        password_hash=f"hashed2:{OLD}",
        civility="madame",
        last_name="Lovelace",
        first_name="Ada",
        created_at=T0,
    )
    await service.accounts.add(account, [])
    await service.sessions.add(Session(session_id_of(TOKEN), "a-1", "csrf", NOW, NOW), [])
    for n, account_id in enumerate(["a-1", "a-1", "a-2"]):
        await service.sessions.add(Session(f"s-{n}", account_id, "csrf", NOW, NOW), [])
    return service


async def test_the_new_password_is_hashed_and_saved(service: Service) -> None:
    done = await service.change(TOKEN, OLD, NEW, CONTEXT)

    assert done.done
    assert service.account().password_hash == f"hashed2:{NEW}"
    assert service.account().history[-1].what == "password changed"


async def test_the_other_sessions_of_the_account_close_and_the_current_one_stays(service: Service) -> None:
    await service.change(TOKEN, OLD, NEW, CONTEXT)

    assert service.revoked() == {session_id_of(TOKEN): None, "s-0": NOW, "s-1": NOW, "s-2": None}


async def test_the_change_is_published_and_the_owner_told_by_email(service: Service) -> None:
    await service.change(TOKEN, OLD, NEW, CONTEXT)

    event, command = service.accounts.outbox
    assert (event.exchange, event.type) == (EVENTS_EXCHANGE, "identity.account.password_changed.v1")
    assert json.loads(event.body) == {"account_id": "a-1", "changed_at": "2030-01-01T12:10:00Z"}
    assert (command.exchange, command.routing_key) == (COMMANDS_EXCHANGE, SEND_EMAIL_ROUTING_KEY)
    assert json.loads(command.body)["content"] == {"template": "password_changed"}
    assert all(NEW not in m.body and OLD not in m.body for m in service.accounts.outbox)


async def test_a_wrong_current_password_is_refused_on_its_field_and_nothing_changes(service: Service) -> None:
    with pytest.raises(InvalidCredentials) as refused:
        await service.change(TOKEN, "Pas-le-bon-Mot-2", NEW, CONTEXT)

    assert refused.value.errors == [("current_password", "Le mot de passe actuel est incorrect.")]
    assert service.account().password_hash == f"hashed2:{OLD}"
    assert service.accounts.outbox == []
    assert set(service.revoked().values()) == {None}


async def test_a_weak_password_is_refused_with_every_rule_on_the_password_field(service: Service) -> None:
    with pytest.raises(WeakPassword) as refused:
        await service.change(TOKEN, OLD, "ada", CONTEXT)

    assert len(refused.value.errors) == 3
    assert {field for field, _ in refused.value.errors} == {"password"}
    assert service.passwords.hashed == []
    assert set(service.revoked().values()) == {None}


async def test_a_common_password_is_refused(service: Service) -> None:
    with pytest.raises(WeakPassword):
        await service.change(TOKEN, OLD, "Motdepasse2024!", CONTEXT)


async def test_the_current_password_again_is_refused(service: Service) -> None:
    with pytest.raises(WeakPassword) as refused:
        await service.change(TOKEN, OLD, OLD, CONTEXT)

    assert refused.value.field == "password"
    assert service.passwords.hashed == []


async def test_guessing_the_current_password_is_throttled(service: Service) -> None:
    for _ in range(3):
        with pytest.raises(InvalidCredentials):
            await service.change(TOKEN, "Pas-le-bon-Mot-2", NEW, CONTEXT)

    with pytest.raises(RateLimited) as refused:
        await service.change(TOKEN, OLD, NEW, CONTEXT)

    assert refused.value.retry_after_seconds == 42
    assert service.account().password_hash == f"hashed2:{OLD}"


async def test_an_ended_session_may_not_change_the_password(service: Service) -> None:
    await service.sessions.revoke(session_id_of(TOKEN), NOW)

    with pytest.raises(Unauthenticated):
        await service.change(TOKEN, OLD, NEW, CONTEXT)

    assert service.account().password_hash == f"hashed2:{OLD}"


async def test_an_unknown_session_may_not_change_the_password(service: Service) -> None:
    with pytest.raises(Unauthenticated):
        await service.change("another-token", OLD, NEW, CONTEXT)
