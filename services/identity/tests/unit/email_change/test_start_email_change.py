"""« Modifier mon adresse e-mail », step 1: sign-up's rules for the address, a code to it, nothing told."""

from datetime import timedelta

import pytest

from contracts.notification import SendEmailV1
from identity.domain.account import Account
from identity.domain.errors import (
    InvalidCredentials,
    InvalidInput,
    RateLimited,
    SharedMailbox,
    TooEarly,
    TooManyAttempts,
    Unauthenticated,
)
from identity.fakes import T0
from identity.use_cases.codes.code_budget import DAILY_WRONG_CODES

from .harness import NEW, Changing


@pytest.fixture
async def service() -> Changing:
    service = Changing()
    await service.with_ada()
    return service


async def test_a_code_goes_to_the_new_address_and_the_change_waits_on_the_account(service: Changing) -> None:
    step = await service.start("  Jeanne.Dupont@Exemple.FR ")

    assert (step.new_email, step.expires_at, step.resendable_at) == (
        NEW,
        T0 + timedelta(minutes=30),
        T0 + timedelta(seconds=60),
    )
    [email] = service.emails()
    assert email["to"] == NEW
    assert email["content"]["template"] == "email_change_code"
    assert email["content"]["valid_for_minutes"] == 30
    # Not filed under the asking account (its export must not tell which addresses are taken).
    assert email["account_id"] is None
    pending = service.ada().pending_email_change
    assert pending is not None
    assert (pending.new_email, pending.wrong_codes, pending.expires_at) == (NEW, 0, step.expires_at)
    assert pending.code_hash == service.hasher.hash(pending.id, service.sent_code())
    assert service.ada().email == "ada@example.fr"  # nothing changes before the code


async def test_the_code_is_in_no_event_and_only_in_the_email_to_notification(service: Changing) -> None:
    await service.start()
    code = service.sent_code()

    assert [m.type for m in service.accounts.outbox] == [SendEmailV1.MESSAGE_TYPE]
    assert all(code not in m.body for m in service.accounts.outbox if m.type != SendEmailV1.MESSAGE_TYPE)


async def test_a_taken_address_gets_sign_ups_notice_and_a_change_no_code_matches(service: Changing) -> None:
    other = Account.open(**{**service.ada().__dict__, "id": "a-2", "email": NEW, "history": [], "events": []})
    await service.accounts.add(other, [])
    free = Changing()
    await free.with_ada()

    step = await service.start()
    step_free = await free.start()

    assert step == step_free  # the same reply
    [email] = service.emails()
    assert (email["to"], email["content"]) == (NEW, {"template": "signup_attempt_existing_account"})
    assert email["account_id"] == "a-2"  # the notice is about the owner of the address
    pending = service.ada().pending_email_change
    assert pending is not None
    assert pending.new_email == NEW
    assert len(pending.code_hash) == len(free.ada().pending_email_change.code_hash)  # type: ignore[union-attr]


async def test_a_wrong_password_is_refused_on_its_field_and_nothing_changes(service: Changing) -> None:
    with pytest.raises(InvalidCredentials) as refused:
        await service.start(password="Pas-le-bon-Mot-2")

    assert refused.value.field == "password"
    assert service.ada().pending_email_change is None
    assert service.accounts.outbox == []


async def test_password_guesses_are_throttled(service: Changing) -> None:
    for _ in range(10):
        with pytest.raises(InvalidCredentials):
            await service.start(password="Pas-le-bon-Mot-2")

    with pytest.raises(RateLimited):
        await service.start()


@pytest.mark.parametrize("address", ["ada@example.fr", " ADA@Example.fr"])
async def test_the_same_address_is_a_validation_error_on_new_email(service: Changing, address: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        await service.start(address)

    assert refused.value.field == "new_email"
    assert service.ada().pending_email_change is None
    assert service.accounts.outbox == []


async def test_an_invalid_address_is_refused_on_new_email(service: Changing) -> None:
    with pytest.raises(InvalidInput) as refused:
        await service.start("pas-une-adresse")

    assert refused.value.field == "new_email"
    assert service.ada().pending_email_change is None


@pytest.mark.parametrize("address", ["contact@exemple.fr", "RH+ceres@exemple.fr"])
async def test_a_shared_mailbox_is_refused_as_at_sign_up(service: Changing, address: str) -> None:
    with pytest.raises(SharedMailbox) as refused:
        await service.start(address)

    assert refused.value.field == "new_email"
    assert service.ada().pending_email_change is None
    assert service.accounts.outbox == []


async def test_asking_again_before_a_minute_is_too_early_and_keeps_the_first_code(service: Changing) -> None:
    await service.start()
    first = service.ada().pending_email_change
    service.clock.advance(timedelta(seconds=30))

    with pytest.raises(TooEarly) as refused:
        await service.start("autre@exemple.fr")

    assert refused.value.retry_after_seconds == 31
    assert service.ada().pending_email_change == first
    assert len(service.emails()) == 1


async def test_after_a_minute_a_new_code_replaces_the_first(service: Changing) -> None:
    await service.start()
    first_code = service.sent_code()
    service.clock.advance(timedelta(seconds=60))

    await service.start()

    pending = service.ada().pending_email_change
    assert pending is not None
    assert pending.wrong_codes == 0
    assert len(service.emails()) == 2
    assert pending.code_hash != service.hasher.hash(pending.id, first_code)


async def test_codes_to_one_address_are_capped_as_at_sign_up(service: Changing) -> None:
    for _ in range(5):
        await service.start()
        service.clock.advance(timedelta(seconds=61))

    with pytest.raises(RateLimited):
        await service.start()


async def test_no_code_once_the_accounts_daily_budget_of_wrong_codes_is_spent(service: Changing) -> None:
    for _ in range(DAILY_WRONG_CODES):
        await service.failures.record("codes:email-change:a-1", service.clock())

    with pytest.raises(TooManyAttempts):
        await service.start()
    assert service.ada().pending_email_change is None


async def test_without_an_active_session_nothing_is_asked(service: Changing) -> None:
    with pytest.raises(Unauthenticated):
        await service.start(token="not-a-session")

    service.clock.advance(timedelta(hours=13))
    with pytest.raises(Unauthenticated):
        await service.start()
    assert service.accounts.outbox == []
