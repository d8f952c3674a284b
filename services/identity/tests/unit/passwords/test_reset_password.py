"""Password reset step 3: only after the code, the same policy, then every session is closed."""

import json
from datetime import timedelta

import pytest

from contracts.accounts import ResetPasswordV1
from contracts.topology import COMMANDS_EXCHANGE, EVENTS_EXCHANGE, SEND_EMAIL_ROUTING_KEY
from efp_runtime.message_context import MessageContext
from identity.domain.account import Account
from identity.domain.errors import NotFound, WeakPassword, WrongStep
from identity.domain.password_reset import PasswordReset, ResetState
from identity.domain.session import Session
from identity.fakes import T0, FakeClock, FakeCommonPasswords, Fakes

CONTEXT = MessageContext(message_id="m-10", correlation_id="corr-10")
NEW = "Tuile-Ocre-Glycine-7"
NOW = T0 + timedelta(minutes=10)


class Service(Fakes):
    def __init__(self) -> None:
        super().__init__(clock=FakeClock(NOW), common=FakeCommonPasswords("motdepasse2024!"))
        self.reset = self.use_cases().reset_password

    async def requested(self, state: ResetState = ResetState.VERIFIED, account_id: str | None = "a-1") -> None:
        await self.resets.add(PasswordReset("p-1", "ada@example.fr", account_id, "h", T0, state=state), [])

    def saved_account(self) -> Account:
        return self.accounts.accounts["a-1"]


@pytest.fixture
async def service() -> Service:
    service = Service()
    service.clock.now = T0
    await service.account(password_hash="hashed2:old")
    service.clock.now = NOW
    for n, account_id in enumerate(["a-1", "a-1", "a-2"]):
        await service.sessions.add(Session(f"s-{n}", account_id, "csrf", T0, T0), [])
    await service.requested()
    return service


async def test_a_new_password_is_hashed_and_saved(service: Service) -> None:
    step = await service.reset(ResetPasswordV1(reset_id="p-1", password=NEW), CONTEXT)

    assert (step.reset_id, step.step) == ("p-1", "completed")
    assert service.saved_account().password_hash == f"hashed2:{NEW}"
    assert service.saved_account().history[-1].what == "password changed"


async def test_the_change_is_published_and_the_owner_told_by_email(service: Service) -> None:
    await service.reset(ResetPasswordV1(reset_id="p-1", password=NEW), CONTEXT)

    event, command = service.accounts.outbox
    assert (event.exchange, event.type) == (EVENTS_EXCHANGE, "identity.account.password_changed.v1")
    assert json.loads(event.body) == {"account_id": "a-1", "changed_at": "2030-01-01T12:10:00Z"}
    assert (command.exchange, command.routing_key) == (COMMANDS_EXCHANGE, SEND_EMAIL_ROUTING_KEY)
    body = json.loads(command.body)
    assert (body["to"], body["account_id"], body["content"]) == (
        "ada@example.fr",
        "a-1",
        {"template": "password_changed"},
    )
    assert all(NEW not in m.body for m in service.accounts.outbox)


async def test_every_session_of_the_account_is_revoked_and_only_those(service: Service) -> None:
    await service.reset(ResetPasswordV1(reset_id="p-1", password=NEW), CONTEXT)

    revoked = {s.id: s.revoked_at for s in service.sessions.sessions.values()}
    assert revoked == {"s-0": NOW, "s-1": NOW, "s-2": None}


async def test_the_reset_is_spent(service: Service) -> None:
    await service.reset(ResetPasswordV1(reset_id="p-1", password=NEW), CONTEXT)

    assert service.resets.resets["p-1"].state is ResetState.COMPLETED
    with pytest.raises(WrongStep):
        await service.reset(ResetPasswordV1(reset_id="p-1", password="Autre-Phrase-Longue-8"), CONTEXT)


@pytest.mark.parametrize("state", [ResetState.PENDING, ResetState.COMPLETED, ResetState.EXPIRED])
async def test_a_reset_whose_code_was_not_verified_is_the_wrong_step(state: ResetState) -> None:
    service = Service()
    await service.requested(state)

    with pytest.raises(WrongStep) as refused:
        await service.reset(ResetPasswordV1(reset_id="p-1", password=NEW), CONTEXT)

    assert refused.value.detail == "Saisissez d'abord le code de réinitialisation reçu par e-mail."
    assert service.passwords.hashed == []


async def test_a_decoy_reset_is_the_wrong_step() -> None:
    service = Service()
    await service.requested(account_id=None)

    with pytest.raises(WrongStep):
        await service.reset(ResetPasswordV1(reset_id="p-1", password=NEW), CONTEXT)


async def test_a_weak_password_is_refused_with_every_rule_and_nothing_changes(service: Service) -> None:
    with pytest.raises(WeakPassword) as refused:
        await service.reset(ResetPasswordV1(reset_id="p-1", password="ada"), CONTEXT)

    assert refused.value.field == "password"
    assert len(refused.value.errors) == 3
    assert {field for field, _ in refused.value.errors} == {"password"}
    assert service.saved_account().password_hash == "hashed2:old"
    assert service.resets.resets["p-1"].state is ResetState.VERIFIED
    assert all(s.revoked_at is None for s in service.sessions.sessions.values())


async def test_a_common_password_is_refused(service: Service) -> None:
    with pytest.raises(WeakPassword):
        await service.reset(ResetPasswordV1(reset_id="p-1", password="Motdepasse2024!"), CONTEXT)

    assert service.passwords.hashed == []


async def test_an_unknown_reset_is_not_found(service: Service) -> None:
    with pytest.raises(NotFound):
        await service.reset(ResetPasswordV1(reset_id="nope", password=NEW), CONTEXT)


async def test_a_reset_of_a_deleted_account_is_not_found(service: Service) -> None:
    del service.accounts.accounts["a-1"]

    with pytest.raises(NotFound):
        await service.reset(ResetPasswordV1(reset_id="p-1", password=NEW), CONTEXT)


async def test_a_reset_sent_to_the_accounts_former_address_no_longer_opens_it(service: Service) -> None:
    ada = service.saved_account()
    ada.email = "jeanne@exemple.fr"  # changed since (use_cases.email_change)

    with pytest.raises(NotFound):
        await service.reset(ResetPasswordV1(reset_id="p-1", password=NEW), CONTEXT)

    assert service.saved_account().password_hash == "hashed2:old"
