"""Sign-up step 2: the code check, what is saved on each outcome and the event it publishes."""

import json
from datetime import timedelta

import pytest

from contracts.topology import EVENTS_EXCHANGE
from efp_runtime.message_context import MessageContext
from identity.adapters.hmac_secret_hasher import HmacSecretHasher
from identity.domain.errors import (
    CodeExpired,
    Conflict,
    InvalidCode,
    InvalidInput,
    NotFound,
    RegistrationExpired,
    TooManyAttempts,
    WrongStep,
)
from identity.domain.registration import INACTIVITY_LIMIT, MAX_WRONG_CODES, Registration, Step
from identity.use_cases.verify_registration_code import VerifyRegistrationCode
from services.identity.tests.unit.fakes import KEY, T0, FakeClock, FakeRegistrationRepository

CONTEXT = MessageContext(message_id="m-2", correlation_id="corr-2")
CODE = "123456"


class Service:
    def __init__(self) -> None:
        self.clock = FakeClock(T0 + timedelta(minutes=5))
        self.hasher = HmacSecretHasher(KEY)
        self.registrations = FakeRegistrationRepository()
        self.verify = VerifyRegistrationCode(self.registrations, self.hasher, self.clock)

    async def started(self) -> Registration:
        registration = Registration.start("r-1", "ada@example.fr", CODE, self.hasher.hash("r-1", CODE), T0)
        await self.registrations.add(registration, [])
        return registration

    def saved(self) -> Registration:
        return self.registrations.registrations["r-1"]


@pytest.fixture
async def service() -> Service:
    service = Service()
    await service.started()
    return service


@pytest.mark.parametrize("code", ["12345", "1234567", "12a456", "", "12 456", "-12345"])
async def test_a_code_that_is_not_six_digits_is_refused_before_any_lookup(service: Service, code: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        await service.verify("r-1", code, CONTEXT)

    assert refused.value.field == "code"
    assert service.registrations.gets == 0
    assert service.saved().wrong_codes == 0


async def test_surrounding_spaces_around_the_code_are_ignored(service: Service) -> None:
    step = await service.verify("r-1", f" {CODE}\n", CONTEXT)

    assert step.step == "password"


async def test_an_unknown_registration_is_not_found(service: Service) -> None:
    with pytest.raises(NotFound):
        await service.verify("nope", CODE, CONTEXT)


async def test_a_wrong_code_is_refused_and_the_count_saved(service: Service) -> None:
    with pytest.raises(InvalidCode) as refused:
        await service.verify("r-1", "654321", CONTEXT)

    assert refused.value.field == "code"
    assert service.saved().wrong_codes == 1
    assert service.saved().last_activity_at == service.clock.now
    assert service.saved().version == 2
    assert service.registrations.outbox == []


async def test_the_right_code_moves_to_the_password_step(service: Service) -> None:
    step = await service.verify("r-1", CODE, CONTEXT)

    assert (step.registration_id, step.step) == ("r-1", "password")
    assert service.saved().state is Step.PASSWORD
    assert [h.trigger for h in service.saved().history] == ["verify_email"]


async def test_the_right_code_publishes_email_verified(service: Service) -> None:
    await service.verify("r-1", CODE, CONTEXT)

    [event] = service.registrations.outbox
    assert event.exchange == EVENTS_EXCHANGE
    assert event.type == event.routing_key == "identity.registration.email_verified.v1"
    assert json.loads(event.body) == {"registration_id": "r-1"}
    assert (event.correlation_id, event.causation_id) == ("corr-2", "m-2")


async def test_the_right_code_a_second_time_is_the_wrong_step(service: Service) -> None:
    await service.verify("r-1", CODE, CONTEXT)

    with pytest.raises(WrongStep):
        await service.verify("r-1", CODE, CONTEXT)

    assert len(service.registrations.outbox) == 1


async def test_five_wrong_codes_lock_the_code_even_for_the_right_one(service: Service) -> None:
    for _ in range(MAX_WRONG_CODES):
        with pytest.raises(InvalidCode):
            await service.verify("r-1", "000000", CONTEXT)

    with pytest.raises(TooManyAttempts):
        await service.verify("r-1", CODE, CONTEXT)

    assert service.saved().wrong_codes == MAX_WRONG_CODES
    assert service.saved().state is Step.VERIFY_EMAIL


async def test_an_expired_code_is_refused(service: Service) -> None:
    with pytest.raises(InvalidCode):
        await service.verify("r-1", "000000", CONTEXT)
    service.clock.now = T0 + timedelta(hours=1)

    with pytest.raises(CodeExpired):
        await service.verify("r-1", CODE, CONTEXT)


async def test_an_expiry_found_on_the_way_is_saved_and_announced(service: Service) -> None:
    service.clock.now = T0 + INACTIVITY_LIMIT

    with pytest.raises(RegistrationExpired):
        await service.verify("r-1", CODE, CONTEXT)

    assert service.saved().state is Step.EXPIRED
    assert [h.trigger for h in service.saved().history] == ["expire"]
    assert [m.type for m in service.registrations.outbox] == ["identity.registration.abandoned.v1"]


class RacingRepository(FakeRegistrationRepository):
    """Another request saves the registration between this one's read and write."""

    async def get(self, registration_id: str) -> Registration | None:
        registration = await super().get(registration_id)
        self.registrations[registration_id].version += 1
        return registration


async def test_a_concurrent_save_makes_the_check_a_conflict() -> None:
    service = Service()
    service.registrations = RacingRepository()
    service.verify = VerifyRegistrationCode(service.registrations, service.hasher, service.clock)
    await service.started()

    with pytest.raises(Conflict):
        await service.verify("r-1", CODE, CONTEXT)

    assert service.saved().state is Step.VERIFY_EMAIL
    assert service.registrations.outbox == []


async def test_non_ascii_digits_are_refused_before_any_lookup(service: Service) -> None:
    with pytest.raises(InvalidInput):
        await service.verify("r-1", "١٢٣٤٥٦", CONTEXT)

    assert service.saved().wrong_codes == 0
