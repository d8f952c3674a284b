"""Sign-up step 2: the code check, what is saved on each outcome and the event it publishes."""

import json
from datetime import timedelta

import pytest

from contracts.identity import VerifyRegistrationCodeV1
from contracts.topology import EVENTS_EXCHANGE
from efp_runtime.message_context import MessageContext
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
from identity.fakes import T0, FakeClock, FakeRegistrationRepository, Fakes

CONTEXT = MessageContext(message_id="m-2", correlation_id="corr-2")
CODE = "123456"


class Service(Fakes):
    def __init__(self, registrations: FakeRegistrationRepository | None = None) -> None:
        super().__init__(
            clock=FakeClock(T0 + timedelta(minutes=5)), registrations=registrations or FakeRegistrationRepository()
        )
        self.verify = self.use_cases().verify_registration_code

    async def started(self) -> Registration:
        registration = Registration.start("r-1", "ada@example.fr", CODE, self.hasher.hash("r-1", CODE), T0)
        await self.registrations.add(registration, [])
        return registration


@pytest.fixture
async def service() -> Service:
    service = Service()
    await service.started()
    return service


@pytest.mark.parametrize("code", ["12345", "1234567", "12a456", "", "12 456", "-12345"])
async def test_a_code_that_is_not_six_digits_is_refused_before_any_lookup(service: Service, code: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        await service.verify(VerifyRegistrationCodeV1(registration_id="r-1", code=code), CONTEXT)

    assert refused.value.field == "code"
    assert service.registrations.gets == 0
    assert service.stored_registration().wrong_codes == 0


async def test_surrounding_spaces_around_the_code_are_ignored(service: Service) -> None:
    step = await service.verify(VerifyRegistrationCodeV1(registration_id="r-1", code=f" {CODE}\n"), CONTEXT)

    assert step.step == "password"


async def test_an_unknown_registration_is_not_found(service: Service) -> None:
    with pytest.raises(NotFound):
        await service.verify(VerifyRegistrationCodeV1(registration_id="nope", code=CODE), CONTEXT)


async def test_a_wrong_code_is_refused_and_the_count_saved(service: Service) -> None:
    with pytest.raises(InvalidCode) as refused:
        await service.verify(VerifyRegistrationCodeV1(registration_id="r-1", code="654321"), CONTEXT)

    assert refused.value.field == "code"
    assert service.stored_registration().wrong_codes == 1
    assert service.stored_registration().last_activity_at == service.clock.now
    assert service.stored_registration().version == 2
    assert service.registrations.outbox == []


async def test_the_right_code_moves_to_the_password_step(service: Service) -> None:
    step = await service.verify(VerifyRegistrationCodeV1(registration_id="r-1", code=CODE), CONTEXT)

    assert (step.registration_id, step.step) == ("r-1", "password")
    assert service.stored_registration().state is Step.PASSWORD
    assert [h.trigger for h in service.stored_registration().history] == ["verify_email"]


async def test_the_right_code_publishes_email_verified(service: Service) -> None:
    await service.verify(VerifyRegistrationCodeV1(registration_id="r-1", code=CODE), CONTEXT)

    [event] = service.registrations.outbox
    assert event.exchange == EVENTS_EXCHANGE
    assert event.type == event.routing_key == "identity.registration.email_verified.v1"
    assert json.loads(event.body) == {"registration_id": "r-1"}
    assert (event.correlation_id, event.causation_id) == ("corr-2", "m-2")


async def test_the_right_code_a_second_time_is_the_wrong_step(service: Service) -> None:
    await service.verify(VerifyRegistrationCodeV1(registration_id="r-1", code=CODE), CONTEXT)

    with pytest.raises(WrongStep):
        await service.verify(VerifyRegistrationCodeV1(registration_id="r-1", code=CODE), CONTEXT)

    assert len(service.registrations.outbox) == 1


async def test_five_wrong_codes_lock_the_code_even_for_the_right_one(service: Service) -> None:
    for _ in range(MAX_WRONG_CODES):
        with pytest.raises(InvalidCode):
            await service.verify(VerifyRegistrationCodeV1(registration_id="r-1", code="000000"), CONTEXT)

    with pytest.raises(TooManyAttempts):
        await service.verify(VerifyRegistrationCodeV1(registration_id="r-1", code=CODE), CONTEXT)

    assert service.stored_registration().wrong_codes == MAX_WRONG_CODES
    assert service.stored_registration().state is Step.VERIFY_EMAIL


async def test_an_expired_code_is_refused(service: Service) -> None:
    with pytest.raises(InvalidCode):
        await service.verify(VerifyRegistrationCodeV1(registration_id="r-1", code="000000"), CONTEXT)
    service.clock.now = T0 + timedelta(hours=1)

    with pytest.raises(CodeExpired):
        await service.verify(VerifyRegistrationCodeV1(registration_id="r-1", code=CODE), CONTEXT)


async def test_an_expiry_found_on_the_way_is_saved_and_announced(service: Service) -> None:
    service.clock.now = T0 + INACTIVITY_LIMIT

    with pytest.raises(RegistrationExpired):
        await service.verify(VerifyRegistrationCodeV1(registration_id="r-1", code=CODE), CONTEXT)

    assert service.stored_registration().state is Step.EXPIRED
    assert [h.trigger for h in service.stored_registration().history] == ["expire"]
    assert [m.type for m in service.registrations.outbox] == ["identity.registration.abandoned.v1"]


class RacingRepository(FakeRegistrationRepository):
    """Another request saves the registration between this one's read and write."""

    async def get(self, registration_id: str) -> Registration | None:
        registration = await super().get(registration_id)
        self.registrations[registration_id].version += 1
        return registration


async def test_a_concurrent_save_makes_the_check_a_conflict() -> None:
    service = Service(RacingRepository())
    await service.started()

    with pytest.raises(Conflict):
        await service.verify(VerifyRegistrationCodeV1(registration_id="r-1", code=CODE), CONTEXT)

    assert service.stored_registration().state is Step.VERIFY_EMAIL
    assert service.registrations.outbox == []


async def test_non_ascii_digits_are_refused_before_any_lookup(service: Service) -> None:
    with pytest.raises(InvalidInput):
        await service.verify(VerifyRegistrationCodeV1(registration_id="r-1", code="١٢٣٤٥٦"), CONTEXT)

    assert service.stored_registration().wrong_codes == 0
