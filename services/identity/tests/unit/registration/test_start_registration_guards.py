"""Sign-up step 1 guards: shared mailboxes, the code-send cap, and decoys for taken addresses."""

import json

import pytest

from contracts.identity import StartRegistrationV1, VerifyRegistrationCodeV1
from contracts.topology import COMMANDS_EXCHANGE, EVENTS_EXCHANGE
from efp_runtime.message_context import MessageContext
from identity.domain.errors import InvalidCode, RateLimited, SharedMailbox
from identity.domain.registration import Step
from identity.fakes import Fakes
from identity.use_cases.registration import start_registration

CONTEXT = MessageContext(message_id="m-1", correlation_id="corr-1")


def start(email: str = "ada@example.fr", captcha_answer: str = "AC34DX") -> StartRegistrationV1:
    return StartRegistrationV1(email=email, captcha_id="c-1", captcha_answer=captcha_answer)


class Service(Fakes):
    def __init__(self) -> None:
        super().__init__()
        identity = self.use_cases(shared_mailboxes=("contact", "rh"))
        self.start, self.verify = identity.start_registration, identity.verify_registration_code

    def commands(self) -> list[dict[str, object]]:
        return [json.loads(m.body) for m in self.registrations.outbox if m.exchange == COMMANDS_EXCHANGE]


@pytest.fixture
async def service() -> Service:
    service = Service()
    await service.captcha()
    return service


@pytest.mark.parametrize("email", ["contact@example.fr", "RH@example.fr", "contact+ceres@example.fr"])
async def test_a_shared_mailbox_is_refused_before_the_captcha_is_used(service: Service, email: str) -> None:
    with pytest.raises(SharedMailbox) as refused:
        await service.start(start(email=email), CONTEXT)

    assert refused.value.field == "email"
    assert service.captchas.captchas["c-1"].used_at is None
    assert service.registrations.registrations == {}
    assert service.limiter.hits == {}


async def test_the_sixth_code_to_one_address_in_the_window_is_rate_limited(service: Service) -> None:
    service.limiter.hits["code-send:sign-up:ada@example.fr"] = 5

    with pytest.raises(RateLimited) as refused:
        await service.start(start(email="Ada@Example.fr"), CONTEXT)

    assert refused.value.retry_after_seconds == 42
    assert service.registrations.registrations == {}


async def test_an_address_with_an_account_gets_the_same_reply(service: Service) -> None:
    await service.account()

    step = await service.start(start(), CONTEXT)

    assert step.step == "verify_email"
    assert step.registration_id in service.registrations.registrations
    assert service.registrations.registrations[step.registration_id].decoy is True


async def test_an_address_with_an_account_is_warned_without_a_code(service: Service) -> None:
    await service.account()

    await service.start(start(email="Ada@Example.fr"), CONTEXT)

    assert service.commands() == [
        {
            "to": "ada@example.fr",
            "content": {"template": "signup_attempt_existing_account"},
            "account_id": None,
            "siren": None,
            "requester": None,
            "mentions": [],
        },
    ]


async def test_a_decoy_publishes_the_same_public_event_as_a_real_start(service: Service) -> None:
    await service.account()

    step = await service.start(start(), CONTEXT)

    [event] = [m for m in service.registrations.outbox if m.exchange == EVENTS_EXCHANGE]
    assert event.type == "identity.registration.started.v1"
    assert json.loads(event.body)["registration_id"] == step.registration_id


async def test_a_decoy_is_counted_against_the_code_send_cap(service: Service) -> None:
    await service.account()

    await service.start(start(), CONTEXT)

    assert service.limiter.hits == {"code-send:sign-up:ada@example.fr": 1}


async def test_the_code_a_decoy_was_made_with_can_never_verify(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every generated code is the same: even knowing it, nobody can verify a decoy.
    monkeypatch.setattr(start_registration, "new_code", lambda: "123456")
    await service.account()
    step = await service.start(start(), CONTEXT)

    with pytest.raises(InvalidCode):
        await service.verify(VerifyRegistrationCodeV1(registration_id=step.registration_id, code="123456"), CONTEXT)

    assert service.registrations.registrations[step.registration_id].state is Step.VERIFY_EMAIL


async def test_the_same_code_verifies_a_real_registration(service: Service, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(start_registration, "new_code", lambda: "123456")
    step = await service.start(start(), CONTEXT)

    verified = await service.verify(
        VerifyRegistrationCodeV1(registration_id=step.registration_id, code="123456"), CONTEXT
    )

    assert verified.step == "password"


async def test_the_code_e_mail_names_the_address_that_asked_for_it(service: Service) -> None:
    """Notification's per-requester budget counts it: one address cannot flood many mailboxes."""
    await service.start(start().model_copy(update={"client_ip": "192.0.2.7"}), CONTEXT)

    [command] = service.commands()
    assert (command["to"], command["requester"]) == ("ada@example.fr", "192.0.2.7")
