"""Password reset step 2: the code's format, a wrong or right code, and what is saved each time."""

from datetime import timedelta

import pytest

from identity.adapters.hmac_secret_hasher import HmacSecretHasher
from identity.domain.errors import CodeExpired, InvalidCode, InvalidInput, NotFound, TooManyAttempts, WrongStep
from identity.domain.password_reset import MAX_WRONG_CODES, VALIDITY, PasswordReset, ResetState
from identity.use_cases.verify_password_reset_code import VerifyPasswordResetCode
from services.identity.tests.unit.account_fakes import FakePasswordResetRepository
from services.identity.tests.unit.fakes import KEY, T0, FakeClock

CODE = "123456"


class Service:
    def __init__(self) -> None:
        self.clock = FakeClock(T0 + timedelta(minutes=5))
        self.hasher = HmacSecretHasher(KEY)
        self.resets = FakePasswordResetRepository()
        self.verify = VerifyPasswordResetCode(self.resets, self.hasher, self.clock)

    async def requested(self, account_id: str | None = "a-1") -> None:
        reset = PasswordReset.request("p-1", "ada@example.fr", account_id, CODE, self.hasher.hash("p-1", CODE), T0)
        await self.resets.add(reset, [])

    def saved(self) -> PasswordReset:
        return self.resets.resets["p-1"]


@pytest.fixture
async def service() -> Service:
    service = Service()
    await service.requested()
    return service


@pytest.mark.parametrize("code", ["", "12345", "1234567", "12a456", "١٢٣٤٥٦"])
async def test_a_code_that_is_not_six_ascii_digits_is_refused_uncounted(service: Service, code: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        await service.verify("p-1", code)

    assert refused.value.field == "code"
    assert service.saved().wrong_codes == 0


async def test_the_right_code_moves_to_the_password_step(service: Service) -> None:
    step = await service.verify("p-1", f" {CODE} ")

    assert (step.reset_id, step.step) == ("p-1", "password")
    assert service.saved().state is ResetState.VERIFIED


async def test_a_wrong_code_is_refused_and_the_count_saved(service: Service) -> None:
    with pytest.raises(InvalidCode) as refused:
        await service.verify("p-1", "654321")

    assert refused.value.field == "code"
    assert refused.value.detail == "Le code de réinitialisation saisi est incorrect."
    assert service.saved().wrong_codes == 1


async def test_after_five_wrong_codes_the_right_one_is_refused(service: Service) -> None:
    for _ in range(MAX_WRONG_CODES):
        with pytest.raises(InvalidCode):
            await service.verify("p-1", "000000")

    with pytest.raises(TooManyAttempts):
        await service.verify("p-1", CODE)

    assert service.saved().state is ResetState.PENDING


async def test_a_code_is_single_use(service: Service) -> None:
    await service.verify("p-1", CODE)

    with pytest.raises(WrongStep):
        await service.verify("p-1", CODE)


async def test_an_expiry_found_on_the_way_is_saved(service: Service) -> None:
    service.clock.now = T0 + VALIDITY

    with pytest.raises(CodeExpired):
        await service.verify("p-1", CODE)

    assert service.saved().state is ResetState.EXPIRED


async def test_a_decoy_reset_never_verifies_even_with_its_code() -> None:
    service = Service()
    await service.requested(account_id=None)

    with pytest.raises(InvalidCode):
        await service.verify("p-1", CODE)

    assert service.saved().state is ResetState.PENDING


async def test_an_unknown_reset_is_not_found(service: Service) -> None:
    with pytest.raises(NotFound):
        await service.verify("nope", CODE)
