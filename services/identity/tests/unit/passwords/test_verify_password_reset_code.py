"""Password reset step 2: the code's format, a wrong or right code, and what is saved each time."""

import json
from datetime import timedelta

import pytest

from contracts.accounts import VerifyPasswordResetCodeV1
from efp_runtime.message_context import MessageContext
from identity.domain.errors import CodeExpired, InvalidCode, InvalidInput, NotFound, TooManyAttempts, WrongStep
from identity.domain.password_reset import MAX_WRONG_CODES, VALIDITY, PasswordReset, ResetState
from identity.fakes import T0, FakeClock, Fakes
from identity.use_cases.codes.code_budget import DAILY_WRONG_CODES

CODE = "123456"
CONTEXT = MessageContext(message_id="m-8", correlation_id="corr-8")


class Service(Fakes):
    def __init__(self) -> None:
        super().__init__(clock=FakeClock(T0 + timedelta(minutes=5)))
        self.verify = self.use_cases().verify_password_reset_code

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
        await service.verify(VerifyPasswordResetCodeV1(reset_id="p-1", code=code), CONTEXT)

    assert refused.value.field == "code"
    assert service.saved().wrong_codes == 0


async def test_the_right_code_moves_to_the_password_step(service: Service) -> None:
    step = await service.verify(VerifyPasswordResetCodeV1(reset_id="p-1", code=f" {CODE} "), CONTEXT)

    assert (step.reset_id, step.step) == ("p-1", "password")
    assert service.saved().state is ResetState.VERIFIED


async def test_a_wrong_code_is_refused_and_the_count_saved(service: Service) -> None:
    with pytest.raises(InvalidCode) as refused:
        await service.verify(VerifyPasswordResetCodeV1(reset_id="p-1", code="654321"), CONTEXT)

    assert refused.value.field == "code"
    assert refused.value.detail == "Le code de réinitialisation saisi est incorrect."
    assert service.saved().wrong_codes == 1


async def test_after_five_wrong_codes_the_right_one_is_refused(service: Service) -> None:
    for _ in range(MAX_WRONG_CODES):
        with pytest.raises(InvalidCode):
            await service.verify(VerifyPasswordResetCodeV1(reset_id="p-1", code="000000"), CONTEXT)

    with pytest.raises(TooManyAttempts):
        await service.verify(VerifyPasswordResetCodeV1(reset_id="p-1", code=CODE), CONTEXT)

    assert service.saved().state is ResetState.PENDING


async def test_a_code_is_single_use(service: Service) -> None:
    await service.verify(VerifyPasswordResetCodeV1(reset_id="p-1", code=CODE), CONTEXT)

    with pytest.raises(WrongStep):
        await service.verify(VerifyPasswordResetCodeV1(reset_id="p-1", code=CODE), CONTEXT)


async def test_an_expiry_found_on_the_way_is_saved(service: Service) -> None:
    service.clock.now = T0 + VALIDITY

    with pytest.raises(CodeExpired):
        await service.verify(VerifyPasswordResetCodeV1(reset_id="p-1", code=CODE), CONTEXT)

    assert service.saved().state is ResetState.EXPIRED


async def test_a_decoy_reset_never_verifies_even_with_its_code() -> None:
    service = Service()
    await service.requested(account_id=None)

    with pytest.raises(InvalidCode):
        await service.verify(VerifyPasswordResetCodeV1(reset_id="p-1", code=CODE), CONTEXT)

    assert service.saved().state is ResetState.PENDING


async def test_an_unknown_reset_is_not_found(service: Service) -> None:
    with pytest.raises(NotFound):
        await service.verify(VerifyPasswordResetCodeV1(reset_id="nope", code=CODE), CONTEXT)


async def test_wrong_codes_across_resets_spend_the_address_daily_budget() -> None:
    service = Service()
    for n in range(DAILY_WRONG_CODES // MAX_WRONG_CODES):
        reset = PasswordReset.request(f"p-{n}", "ada@example.fr", "a-1", CODE, service.hasher.hash(f"p-{n}", CODE), T0)
        await service.resets.add(reset, [])
        for _ in range(MAX_WRONG_CODES):
            with pytest.raises(InvalidCode):
                await service.verify(VerifyPasswordResetCodeV1(reset_id=f"p-{n}", code="000000"), CONTEXT)
    await service.requested()

    with pytest.raises(TooManyAttempts) as refused:
        await service.verify(VerifyPasswordResetCodeV1(reset_id="p-1", code=CODE), CONTEXT)

    assert "24 heures" in refused.value.detail
    assert service.saved().state is ResetState.PENDING  # even the right code is not tried
    notices = [json.loads(m.body) for m in service.resets.outbox]
    assert [(n["to"], n["content"]) for n in notices] == [
        ("ada@example.fr", {"template": "codes_locked", "purpose": "password_reset"})
    ]


async def test_wrong_sign_up_codes_do_not_spend_the_reset_budget(service: Service) -> None:
    for _ in range(DAILY_WRONG_CODES):
        await service.failures.record("codes:sign-up:ada@example.fr", T0)

    step = await service.verify(VerifyPasswordResetCodeV1(reset_id="p-1", code=CODE), CONTEXT)

    assert step.step == "password"


async def test_a_superseded_reset_takes_no_code(service: Service) -> None:
    reset = service.saved()
    reset.supersede(T0 + timedelta(minutes=1))
    await service.resets.update(reset, [])

    with pytest.raises(CodeExpired) as refused:
        await service.verify(VerifyPasswordResetCodeV1(reset_id="p-1", code=CODE), CONTEXT)

    assert "dernier e-mail" in refused.value.detail
