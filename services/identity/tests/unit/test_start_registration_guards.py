"""Sign-up step 1 guards: shared mailboxes, the code-send cap, and decoys for taken addresses."""

import json

import pytest

from contracts.topology import COMMANDS_EXCHANGE, EVENTS_EXCHANGE
from efp_runtime.message_context import MessageContext
from identity.adapters.hmac_secret_hasher import HmacSecretHasher
from identity.domain.account import Account, AccountKind
from identity.domain.captcha import VALIDITY, Captcha
from identity.domain.errors import InvalidCode, RateLimited, SharedMailbox
from identity.domain.registration import Step
from identity.use_cases import start_registration
from identity.use_cases.solve_captcha import SolveCaptcha
from identity.use_cases.start_registration import StartRegistration
from identity.use_cases.verify_registration_code import VerifyRegistrationCode
from services.identity.tests.unit.account_fakes import FakeAccountRepository, FakeRateLimiter
from services.identity.tests.unit.fakes import (
    KEY,
    LINKS,
    T0,
    FakeCaptchaRepository,
    FakeClock,
    FakeRegistrationRepository,
)

CONTEXT = MessageContext(message_id="m-1", correlation_id="corr-1")


class Service:
    def __init__(self) -> None:
        self.clock = FakeClock()
        self.hasher = HmacSecretHasher(KEY)
        self.captchas = FakeCaptchaRepository()
        self.registrations = FakeRegistrationRepository()
        self.accounts = FakeAccountRepository()
        self.limiter = FakeRateLimiter()
        solve = SolveCaptcha(self.captchas, self.hasher, self.clock, test_answer=None)
        self.start = StartRegistration(
            self.registrations, self.accounts, solve, self.hasher, self.limiter, ("contact", "rh"), self.clock, LINKS
        )
        self.verify = VerifyRegistrationCode(self.registrations, self.hasher, self.clock)

    async def new_captcha(self) -> None:
        await self.captchas.add(Captcha("c-1", self.hasher.hash("c-1", "AC34DX"), b"png", T0 + VALIDITY))

    async def with_account(self, email: str = "ada@example.fr") -> None:
        account = Account.open(
            id="a-1",
            email=email,
            kind=AccountKind.USER,
            password_hash="hashed2:x",
            civility="madame",
            last_name="Lovelace",
            first_name="Ada",
            created_at=T0,
        )
        await self.accounts.add(account, [])

    def commands(self) -> list[dict[str, object]]:
        return [json.loads(m.body) for m in self.registrations.outbox if m.exchange == COMMANDS_EXCHANGE]


@pytest.fixture
async def service() -> Service:
    service = Service()
    await service.new_captcha()
    return service


@pytest.mark.parametrize("email", ["contact@example.fr", "RH@example.fr", "contact+ceres@example.fr"])
async def test_a_shared_mailbox_is_refused_before_the_captcha_is_used(service: Service, email: str) -> None:
    with pytest.raises(SharedMailbox) as refused:
        await service.start(email, "c-1", "AC34DX", CONTEXT)

    assert refused.value.field == "email"
    assert service.captchas.captchas["c-1"].used_at is None
    assert service.registrations.registrations == {}
    assert service.limiter.hits == {}


async def test_the_sixth_code_to_one_address_in_the_window_is_rate_limited(service: Service) -> None:
    service.limiter.hits["code-send:ada@example.fr"] = 5

    with pytest.raises(RateLimited) as refused:
        await service.start("Ada@Example.fr", "c-1", "AC34DX", CONTEXT)

    assert refused.value.retry_after_seconds == 42
    assert service.registrations.registrations == {}


async def test_an_address_with_an_account_gets_the_same_reply(service: Service) -> None:
    await service.with_account()

    step = await service.start("ada@example.fr", "c-1", "AC34DX", CONTEXT)

    assert step.step == "verify_email"
    assert step.registration_id in service.registrations.registrations
    assert service.registrations.registrations[step.registration_id].decoy is True


async def test_an_address_with_an_account_is_warned_without_a_code(service: Service) -> None:
    await service.with_account()

    await service.start("Ada@Example.fr", "c-1", "AC34DX", CONTEXT)

    assert service.commands() == [
        {
            "to": "ada@example.fr",
            "content": {"template": "signup_attempt_existing_account"},
            "account_id": None,
            "siren": None,
        },
    ]


async def test_a_decoy_publishes_the_same_public_event_as_a_real_start(service: Service) -> None:
    await service.with_account()

    step = await service.start("ada@example.fr", "c-1", "AC34DX", CONTEXT)

    [event] = [m for m in service.registrations.outbox if m.exchange == EVENTS_EXCHANGE]
    assert event.type == "identity.registration.started.v1"
    assert json.loads(event.body)["registration_id"] == step.registration_id


async def test_a_decoy_is_counted_against_the_code_send_cap(service: Service) -> None:
    await service.with_account()

    await service.start("ada@example.fr", "c-1", "AC34DX", CONTEXT)

    assert service.limiter.hits == {"code-send:ada@example.fr": 1}


async def test_the_code_a_decoy_was_made_with_can_never_verify(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every generated code is the same: even knowing it, nobody can verify a decoy.
    monkeypatch.setattr(start_registration, "new_code", lambda: "123456")
    await service.with_account()
    step = await service.start("ada@example.fr", "c-1", "AC34DX", CONTEXT)

    with pytest.raises(InvalidCode):
        await service.verify(step.registration_id, "123456", CONTEXT)

    assert service.registrations.registrations[step.registration_id].state is Step.VERIFY_EMAIL


async def test_the_same_code_verifies_a_real_registration(service: Service, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(start_registration, "new_code", lambda: "123456")
    step = await service.start("ada@example.fr", "c-1", "AC34DX", CONTEXT)

    verified = await service.verify(step.registration_id, "123456", CONTEXT)

    assert verified.step == "password"
