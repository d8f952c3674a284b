"""« Renvoyer le code »: the cooldown, the new code e-mail, decoys and the per-address cap."""

import json
from datetime import timedelta

import pytest

from contracts.accounts import ResendRegistrationCodeV1
from contracts.topology import COMMANDS_EXCHANGE, SEND_EMAIL_ROUTING_KEY
from efp_runtime.message_context import MessageContext
from identity.domain.errors import InvalidCaptcha, NotFound, RateLimited, TooEarly, TooManyAttempts, WrongStep
from identity.domain.registration import CODE_VALIDITY, RESEND_COOLDOWN, Registration, Step
from identity.fakes import T0, Fakes
from identity.use_cases.codes.code_budget import DAILY_WRONG_CODES

CONTEXT = MessageContext(message_id="m-3", correlation_id="corr-3")


class Service(Fakes):
    def __init__(self, cooldown: timedelta = RESEND_COOLDOWN) -> None:
        super().__init__()
        self.resend = self.use_cases(resend_cooldown=cooldown).resend_registration_code
        self.captchas_made = 0

    async def started(self, decoy: bool = False, state: Step = Step.VERIFY_EMAIL) -> Registration:
        registration = Registration.start(
            "r-1", "ada@example.fr", "111111", self.hasher.hash("r-1", "111111"), T0, decoy
        )
        registration.state = state
        # Like start_registration: the first code counts against the address's cap.
        await self.limiter.hit("code-send:sign-up:ada@example.fr", 5, timedelta(minutes=15))
        await self.registrations.add(registration, [])
        return registration

    async def solved(self) -> ResendRegistrationCodeV1:
        """A resend with a fresh captcha solved (each is single use), as every resend after the first needs."""
        self.captchas_made += 1
        captcha = await self.captcha(f"c-{self.captchas_made}")
        return ResendRegistrationCodeV1(registration_id="r-1", captcha_id=captcha.id, captcha_answer="AC34DX")

    def sent_codes(self) -> list[str]:
        bodies = [json.loads(m.body) for m in self.registrations.outbox if m.exchange == COMMANDS_EXCHANGE]
        return [body["content"]["code"] for body in bodies]


@pytest.fixture
async def service() -> Service:
    service = Service()
    await service.started()
    return service


async def test_a_resend_within_the_cooldown_is_too_early_with_the_wait(service: Service) -> None:
    service.clock.advance(timedelta(seconds=45))

    with pytest.raises(TooEarly) as refused:
        await service.resend(ResendRegistrationCodeV1(registration_id="r-1"), CONTEXT)

    assert refused.value.retry_after_seconds in (15, 16)
    assert service.stored_registration().version == 1
    assert service.registrations.outbox == []
    assert service.limiter.hits["code-send:sign-up:ada@example.fr"] == 1


async def test_after_the_cooldown_a_new_code_is_sent_and_stored_hashed(service: Service) -> None:
    service.clock.advance(RESEND_COOLDOWN)

    step = await service.resend(ResendRegistrationCodeV1(registration_id="r-1"), CONTEXT)

    assert (step.registration_id, step.step) == ("r-1", "verify_email")
    [command] = service.registrations.outbox
    assert command.exchange == COMMANDS_EXCHANGE
    assert command.routing_key == SEND_EMAIL_ROUTING_KEY
    body = json.loads(command.body)
    assert body["to"] == "ada@example.fr"
    assert body["content"]["template"] == "signup_verification_code"
    [code] = service.sent_codes()
    assert service.stored_registration().code_hash == service.hasher.hash("r-1", code)
    assert service.stored_registration().code_expires_at == service.clock.now + CODE_VALIDITY
    assert body["content"]["link"] == f"https://efpconnect.example.fr/inscription/r-1/code?code={code}"


async def test_the_cooldown_given_to_the_use_case_applies() -> None:
    service = Service(cooldown=timedelta(seconds=5))
    await service.started()
    service.clock.advance(timedelta(seconds=5))

    await service.resend(ResendRegistrationCodeV1(registration_id="r-1"), CONTEXT)

    assert len(service.sent_codes()) == 1


async def test_a_decoy_resend_sends_no_email() -> None:
    decoy = Service()
    await decoy.started(decoy=True)
    decoy.clock.advance(RESEND_COOLDOWN)

    step = await decoy.resend(ResendRegistrationCodeV1(registration_id="r-1"), CONTEXT)

    assert step.step == "verify_email"
    assert decoy.registrations.outbox == []
    assert decoy.stored_registration().code_sent_at == decoy.clock.now


async def test_the_sixth_code_sent_in_the_window_is_rate_limited(service: Service) -> None:
    for _ in range(4):
        service.clock.advance(RESEND_COOLDOWN)
        await service.resend(await service.solved(), CONTEXT)
    service.clock.advance(RESEND_COOLDOWN)

    with pytest.raises(RateLimited) as refused:
        await service.resend(await service.solved(), CONTEXT)

    assert refused.value.retry_after_seconds == 42
    assert len(service.sent_codes()) == 4
    assert service.stored_registration().version == 5


async def test_an_unknown_registration_is_not_found(service: Service) -> None:
    with pytest.raises(NotFound):
        await service.resend(ResendRegistrationCodeV1(registration_id="nope"), CONTEXT)


async def test_no_code_is_resent_after_the_address_is_verified() -> None:
    service = Service()
    await service.started(state=Step.PASSWORD)
    service.clock.advance(RESEND_COOLDOWN)

    with pytest.raises(WrongStep):
        await service.resend(ResendRegistrationCodeV1(registration_id="r-1"), CONTEXT)

    assert service.registrations.outbox == []


async def test_the_first_resend_is_free_and_each_later_one_needs_a_solved_captcha(service: Service) -> None:
    service.clock.advance(RESEND_COOLDOWN)
    await service.resend(ResendRegistrationCodeV1(registration_id="r-1"), CONTEXT)
    service.clock.advance(RESEND_COOLDOWN)

    with pytest.raises(InvalidCaptcha) as refused:
        await service.resend(ResendRegistrationCodeV1(registration_id="r-1"), CONTEXT)
    assert refused.value.field == "captcha_answer"
    wrong = await service.solved()
    with pytest.raises(InvalidCaptcha):
        await service.resend(wrong.model_copy(update={"captcha_answer": "ZZZZZZ"}), CONTEXT)
    assert len(service.sent_codes()) == 1

    await service.resend(await service.solved(), CONTEXT)

    assert len(service.sent_codes()) == 2
    assert service.stored_registration().resends == 2


async def test_no_code_is_resent_once_the_address_spent_its_wrong_code_budget(service: Service) -> None:
    for _ in range(DAILY_WRONG_CODES):
        await service.failures.record("codes:sign-up:ada@example.fr", T0)
    service.clock.advance(RESEND_COOLDOWN)

    with pytest.raises(TooManyAttempts):
        await service.resend(ResendRegistrationCodeV1(registration_id="r-1"), CONTEXT)

    assert service.registrations.outbox == []
