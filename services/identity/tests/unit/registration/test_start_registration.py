"""Sign-up step 1: address check, captcha, the stored registration and its outbox messages."""

import json
import re
from dataclasses import astuple, replace

import pytest

from contracts.identity import StartRegistrationV1
from contracts.topology import COMMANDS_EXCHANGE, EVENTS_EXCHANGE, SEND_EMAIL_ROUTING_KEY
from efp_runtime.message_context import MessageContext
from efp_runtime.outbox import OutboxMessage
from identity.domain.errors import InvalidCaptcha, InvalidInput
from identity.domain.mailbox import normalise_email
from identity.domain.registration import CODE_VALIDITY, INACTIVITY_LIMIT, Registration, Step
from identity.fakes import T0, Fakes

CONTEXT = MessageContext(message_id="m-1", correlation_id="corr-1")


def start(email: str = "ada@example.fr", captcha_answer: str = "AC34DX") -> StartRegistrationV1:
    return StartRegistrationV1(email=email, captcha_id="c-1", captcha_answer=captcha_answer)


class Service(Fakes):
    """The use case on the service's fakes, and a captcha ready to be solved."""

    def __init__(self) -> None:
        super().__init__()
        self.start = self.use_cases(shared_mailboxes=("contact", "rh")).start_registration

    async def with_captcha(self) -> "Service":
        await self.captcha()
        return self

    async def started(self, email: str = "Ada.Lovelace@Example.FR") -> Registration:
        step = await self.start(start(email=email), CONTEXT)
        return self.registrations.registrations[step.registration_id]

    def command(self) -> OutboxMessage:
        [command] = [m for m in self.registrations.outbox if m.exchange == COMMANDS_EXCHANGE]
        return command

    def code(self) -> str:
        return str(json.loads(self.command().body)["content"]["code"])


@pytest.fixture
async def service() -> Service:
    return await Service().with_captcha()


async def test_start_returns_the_verify_email_step(service: Service) -> None:
    step = await service.start(start(), CONTEXT)

    assert step.step == "verify_email"
    assert step.registration_id in service.registrations.registrations


async def test_the_address_is_stored_in_lower_case(service: Service) -> None:
    registration = await service.started("  Ada.Lovelace@Example.FR ")

    assert registration.email == "ada.lovelace@example.fr"
    assert registration.state is Step.VERIFY_EMAIL
    assert registration.code_expires_at == T0 + CODE_VALIDITY


@pytest.mark.parametrize("email", ["", "ada", "ada@", "@example.fr", "ada@@example.fr", "ada example@fr.fr"])
async def test_an_invalid_address_is_refused_on_the_email_field(service: Service, email: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        await service.start(start(email=email), CONTEXT)

    assert refused.value.field == "email"
    assert "adresse e-mail" in refused.value.detail
    assert service.registrations.registrations == {}


async def test_an_invalid_address_does_not_use_up_the_captcha(service: Service) -> None:
    with pytest.raises(InvalidInput):
        await service.start(start(email="not-an-address"), CONTEXT)

    assert service.captchas.captchas["c-1"].used_at is None


async def test_a_wrong_captcha_starts_nothing(service: Service) -> None:
    with pytest.raises(InvalidCaptcha):
        await service.start(start(captcha_answer="WRONG1"), CONTEXT)

    assert service.registrations.registrations == {}
    assert service.registrations.outbox == []


def test_normalise_email_lowers_the_whole_address() -> None:
    assert normalise_email("ADA@EXAMPLE.FR") == "ada@example.fr"


async def test_start_saves_exactly_one_command_and_one_event(service: Service) -> None:
    await service.started()

    assert sorted(m.exchange for m in service.registrations.outbox) == sorted([COMMANDS_EXCHANGE, EVENTS_EXCHANGE])


async def test_the_code_goes_to_notification_as_a_mandatory_private_command(service: Service) -> None:
    registration = await service.started()

    command = service.command()
    assert command.type == "notification.email.send.v1"
    assert command.routing_key == SEND_EMAIL_ROUTING_KEY
    assert command.mandatory is True
    body = json.loads(command.body)
    assert body["to"] == registration.email
    assert body["content"]["template"] == "signup_verification_code"
    assert re.fullmatch(r"\d{6}", body["content"]["code"])


async def test_the_code_email_links_to_the_code_step_with_the_code_filled_in(service: Service) -> None:
    registration = await service.started()

    link = json.loads(service.command().body)["content"]["link"]

    assert link == f"https://efpconnect.example.fr/inscription/{registration.id}/code?code={service.code()}"


async def test_the_public_event_announces_the_start_without_the_code(service: Service) -> None:
    registration = await service.started()

    [event] = [m for m in service.registrations.outbox if m.exchange == EVENTS_EXCHANGE]
    assert event.type == event.routing_key == "identity.registration.started.v1"
    assert event.mandatory is False
    assert service.code() not in event.body
    body = json.loads(event.body)
    assert "code" not in body
    assert body["registration_id"] == registration.id
    assert body["expires_at"].startswith((T0 + INACTIVITY_LIMIT).strftime("%Y-%m-%dT%H:%M:%S"))


async def test_the_messages_carry_the_request_correlation(service: Service) -> None:
    await service.started()

    for message in service.registrations.outbox:
        assert message.correlation_id == "corr-1"
        assert message.causation_id == "m-1"
        assert message.producer == "identity"
    assert len({m.message_id for m in service.registrations.outbox}) == 2


async def test_the_code_is_stored_only_as_its_scoped_hash(service: Service) -> None:
    registration = await service.started()
    code = service.code()

    assert registration.code_hash == service.hasher.hash(registration.id, code)
    # Every other persisted field is free of it (the hash itself is checked above).
    assert all(code not in str(value) for value in astuple(replace(registration, code_hash="")))


async def test_each_registration_gets_its_own_id(service: Service) -> None:
    first = await service.started()
    await service.captcha()
    second = await service.started()

    assert first.id != second.id
