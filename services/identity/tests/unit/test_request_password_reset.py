"""Password reset step 1: a code e-mail for an existing account, the very same reply otherwise."""

import json
import re

import pytest

from contracts.topology import COMMANDS_EXCHANGE, SEND_EMAIL_ROUTING_KEY
from efp_runtime.message_context import MessageContext
from identity.adapters.hmac_secret_hasher import HmacSecretHasher
from identity.domain.account import Account, AccountKind
from identity.domain.errors import InvalidCaptcha, InvalidInput, RateLimited
from identity.domain.password_reset import PasswordReset, ResetState
from identity.use_cases.request_password_reset import RequestPasswordReset
from services.identity.tests.unit.account_fakes import (
    FakeAccountRepository,
    FakeCaptchaSolver,
    FakePasswordResetRepository,
    FakeRateLimiter,
)
from services.identity.tests.unit.fakes import KEY, LINKS, T0, FakeClock

CONTEXT = MessageContext(message_id="m-9", correlation_id="corr-9")
RIGHT = FakeCaptchaSolver.RIGHT_ANSWER


class Service:
    def __init__(self) -> None:
        self.clock = FakeClock()
        self.hasher = HmacSecretHasher(KEY)
        self.resets = FakePasswordResetRepository()
        self.accounts = FakeAccountRepository()
        self.captcha = FakeCaptchaSolver()
        self.limiter = FakeRateLimiter()
        self.request = RequestPasswordReset(
            self.resets, self.accounts, self.captcha, self.hasher, self.limiter, self.clock, LINKS
        )

    def reset(self) -> PasswordReset:
        [reset] = self.resets.resets.values()
        return reset


@pytest.fixture
async def service() -> Service:
    service = Service()
    account = Account.open(
        id="a-1",
        email="ada@example.fr",
        kind=AccountKind.USER,
        password_hash="hashed2:x",
        civility="madame",
        last_name="Lovelace",
        first_name="Ada",
        created_at=T0,
    )
    await service.accounts.add(account, [])
    return service


async def test_an_existing_account_is_sent_a_code_by_email(service: Service) -> None:
    step = await service.request(" Ada@Example.FR ", "c-1", RIGHT, CONTEXT)

    assert step.step == "verify_code"
    [command] = service.resets.outbox
    assert (command.exchange, command.routing_key) == (COMMANDS_EXCHANGE, SEND_EMAIL_ROUTING_KEY)
    body = json.loads(command.body)
    assert (body["to"], body["account_id"]) == ("ada@example.fr", "a-1")
    assert body["content"]["template"] == "password_reset_code"
    assert body["content"]["valid_for_hours"] == 24
    code = body["content"]["code"]
    assert re.fullmatch(r"\d{6}", code)
    reset = service.reset()
    assert (reset.id, reset.account_id, reset.state) == (step.reset_id, "a-1", ResetState.PENDING)
    assert reset.code_hash == service.hasher.hash(reset.id, code)


async def test_the_reset_email_greets_the_person_and_links_to_the_code_step(service: Service) -> None:
    step = await service.request("ada@example.fr", "c-1", RIGHT, CONTEXT)

    [command] = service.resets.outbox
    content = json.loads(command.body)["content"]
    assert (content["civility"], content["last_name"]) == ("madame", "Lovelace")
    expected = f"https://efpconnect.example.fr/mot-de-passe-oublie/{step.reset_id}/code?code={content['code']}"
    assert content["link"] == expected


async def test_an_unknown_address_gets_the_same_reply_and_no_email(service: Service) -> None:
    step = await service.request("nobody@example.fr", "c-1", RIGHT, CONTEXT)

    assert step.step == "verify_code"
    assert service.resets.outbox == []
    assert service.reset().id == step.reset_id
    assert service.reset().account_id is None


async def test_both_replies_have_the_same_shape(service: Service) -> None:
    known = await service.request("ada@example.fr", "c-1", RIGHT, CONTEXT)
    unknown = await service.request("nobody@example.fr", "c-1", RIGHT, CONTEXT)

    assert set(known.model_dump()) == set(unknown.model_dump())
    assert known.step == unknown.step


async def test_an_unknown_address_is_counted_against_the_send_cap_too(service: Service) -> None:
    service.limiter.hits["code-send:nobody@example.fr"] = 5

    with pytest.raises(RateLimited):
        await service.request("nobody@example.fr", "c-1", RIGHT, CONTEXT)


async def test_a_wrong_captcha_creates_no_reset(service: Service) -> None:
    with pytest.raises(InvalidCaptcha):
        await service.request("ada@example.fr", "c-1", "WRONG1", CONTEXT)

    assert service.resets.resets == {}
    assert service.limiter.hits == {}


async def test_an_invalid_address_is_refused_before_the_captcha(service: Service) -> None:
    with pytest.raises(InvalidInput) as refused:
        await service.request("not an address", "c-1", RIGHT, CONTEXT)

    assert refused.value.field == "email"
    assert service.captcha.attempts == []
