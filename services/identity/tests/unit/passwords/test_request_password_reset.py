"""Password reset step 1: a code e-mail for an existing account, the very same reply otherwise."""

import json
import re

import pytest

from contracts.accounts import RequestPasswordResetV1
from contracts.topology import COMMANDS_EXCHANGE, SEND_EMAIL_ROUTING_KEY
from efp_runtime.message_context import MessageContext
from identity.domain.errors import InvalidCaptcha, InvalidInput, RateLimited, TooManyAttempts
from identity.domain.password_reset import PasswordReset, ResetState
from identity.fakes import Fakes
from identity.use_cases.codes.code_budget import DAILY_WRONG_CODES

CONTEXT = MessageContext(message_id="m-9", correlation_id="corr-9")
RIGHT = "AC34DX"


def ask(email: str = "ada@example.fr", captcha_id: str = "c-1", captcha_answer: str = RIGHT) -> RequestPasswordResetV1:
    return RequestPasswordResetV1(email=email, captcha_id=captcha_id, captcha_answer=captcha_answer)


class Service(Fakes):
    def __init__(self) -> None:
        super().__init__()
        self.request = self.use_cases().request_password_reset

    def reset(self) -> PasswordReset:
        [reset] = self.resets.resets.values()
        return reset


@pytest.fixture
async def service() -> Service:
    service = Service()
    await service.captcha()
    await service.account(password_hash="hashed2:x")
    return service


async def test_an_existing_account_is_sent_a_code_by_email(service: Service) -> None:
    step = await service.request(ask(email=" Ada@Example.FR "), CONTEXT)

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
    step = await service.request(ask(), CONTEXT)

    [command] = service.resets.outbox
    content = json.loads(command.body)["content"]
    assert (content["civility"], content["last_name"]) == ("madame", "Lovelace")
    expected = f"https://efpconnect.example.fr/mot-de-passe-oublie/{step.reset_id}/code?code={content['code']}"
    assert content["link"] == expected


async def test_an_unknown_address_gets_the_same_reply_and_no_email(service: Service) -> None:
    step = await service.request(ask(email="nobody@example.fr"), CONTEXT)

    assert step.step == "verify_code"
    assert service.resets.outbox == []
    assert service.reset().id == step.reset_id
    assert service.reset().account_id is None


async def test_both_replies_have_the_same_shape(service: Service) -> None:
    known = await service.request(ask(), CONTEXT)
    await service.captcha("c-2")
    unknown = await service.request(ask(email="nobody@example.fr", captcha_id="c-2"), CONTEXT)

    assert set(known.model_dump()) == set(unknown.model_dump())
    assert known.step == unknown.step


async def test_an_unknown_address_is_counted_against_the_send_cap_too(service: Service) -> None:
    service.limiter.hits["code-send:password-reset:nobody@example.fr"] = 5

    with pytest.raises(RateLimited):
        await service.request(ask(email="nobody@example.fr"), CONTEXT)


async def test_a_wrong_captcha_creates_no_reset(service: Service) -> None:
    with pytest.raises(InvalidCaptcha):
        await service.request(ask(captcha_answer="WRONG1"), CONTEXT)

    assert service.resets.resets == {}
    assert service.limiter.hits == {}


async def test_an_invalid_address_is_refused_before_the_captcha(service: Service) -> None:
    with pytest.raises(InvalidInput) as refused:
        await service.request(ask(email="not an address"), CONTEXT)

    assert refused.value.field == "email"
    assert service.captchas.captchas["c-1"].used_at is None


async def test_a_new_reset_supersedes_the_older_ones_of_the_address(service: Service) -> None:
    first = await service.request(ask(), CONTEXT)
    await service.captcha("c-2")

    second = await service.request(ask(captcha_id="c-2"), CONTEXT)

    states = {reset.id: reset.state for reset in service.resets.resets.values()}
    assert states == {first.reset_id: ResetState.SUPERSEDED, second.reset_id: ResetState.PENDING}


async def test_no_reset_starts_once_the_address_spent_its_wrong_code_budget(service: Service) -> None:
    for _ in range(DAILY_WRONG_CODES):
        await service.failures.record("codes:password-reset:ada@example.fr", service.clock())

    with pytest.raises(TooManyAttempts):
        await service.request(ask(), CONTEXT)

    assert service.resets.resets == {}
    assert service.resets.outbox == []


async def test_the_reset_code_e_mail_names_the_address_that_asked_for_it(service: Service) -> None:
    await service.request(ask().model_copy(update={"client_ip": "192.0.2.8"}), CONTEXT)

    [command] = service.resets.outbox
    assert json.loads(command.body)["requester"] == "192.0.2.8"
