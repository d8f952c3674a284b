"""Enrolment from « Mon compte »: TOTP, passkeys, recovery codes, and the step-up every later change needs."""

import json

import pytest

from contracts.second_factor import (
    ConfirmTotpEnrolmentV1,
    FinishPasskeyRegistrationV1,
    GetSecondFactorStatusV1,
    RegenerateRecoveryCodesV1,
    RemovePasskeyV1,
    RemoveTotpV1,
    StartPasskeyRegistrationV1,
    StartTotpEnrolmentV1,
)
from identity.domain.errors import (
    InvalidInput,
    NotFound,
    RateLimited,
    SecondFactorRequired,
    StepUpRequired,
    Unauthenticated,
    WrongSecondFactor,
)
from identity.domain.second_factor import canonical_recovery_code, recovery_scope
from identity.domain.session import STEP_UP_MAX_AGE
from identity.fakes.logged_in import CONTEXT, TOKEN
from identity.fakes.logged_in import LoggedIn as World


async def status(world: World, token: str = TOKEN):
    return await world.factor.get_second_factor_status(GetSecondFactorStatusV1(session_token=token), CONTEXT)


async def add_passkey(world: World, credential_id: str = "cred-1", name: str = "Clé USB") -> list[str]:
    options = await world.factor.start_passkey_registration(StartPasskeyRegistrationV1(session_token=TOKEN), CONTEXT)
    challenge = json.loads(options.options)["challenge"].encode()
    answer = world.passkeys.answer(credential_id, challenge, sign_count=0)
    request = FinishPasskeyRegistrationV1(session_token=TOKEN, name=name, credential=answer)
    return (await world.factor.finish_passkey_registration(request, CONTEXT)).recovery_codes


async def test_starting_totp_gives_a_secret_and_its_uri_and_keeps_it_sealed(world: World) -> None:
    started = await world.factor.start_totp_enrolment(StartTotpEnrolmentV1(session_token=TOKEN), CONTEXT)

    assert started.otpauth_uri.startswith("otpauth://totp/EFP%20Connect:ada%40example.fr?secret=")
    pending = world.second_factors.factors["a-1"].pending_totp
    assert pending is not None
    assert started.secret not in pending.sealed_secret
    assert world.secret_box.open(pending.sealed_secret) == started.secret
    assert not (await status(world)).enrolled


async def test_confirming_totp_activates_it_gives_ten_codes_and_upgrades_the_session(world: World) -> None:
    secret, codes = await world.enrol_totp()

    assert len(codes) == 10
    stored = world.second_factors.factors["a-1"]
    assert len(stored.recovery_code_hashes) == 10
    assert codes[0] not in stored.recovery_code_hashes  # hashed
    assert stored.totp is not None
    assert world.secret_box.open(stored.totp.sealed_secret) == secret
    session = world.session(TOKEN)
    assert (session.amr, session.second_factor_at) == (["pwd", "otp", "mfa"], world.clock())
    current = await status(world)
    assert (current.totp, current.enrolled, current.recovery_codes_left, current.passkeys) == (True, True, 10, [])


async def test_a_wrong_confirmation_code_is_refused_and_counted(world: World) -> None:
    await world.factor.start_totp_enrolment(StartTotpEnrolmentV1(session_token=TOKEN), CONTEXT)

    with pytest.raises(WrongSecondFactor) as refused:
        await world.factor.confirm_totp_enrolment(ConfirmTotpEnrolmentV1(session_token=TOKEN, code="000000"), CONTEXT)

    assert refused.value.detail == "Le code saisi est incorrect."
    assert refused.value.code.status == 400
    assert world.limiter.hits == {"second-factor-wrong:a-1": 1}
    assert not (await status(world)).enrolled


async def test_confirming_without_a_pending_enrolment_is_refused(world: World) -> None:
    with pytest.raises(InvalidInput):
        await world.factor.confirm_totp_enrolment(ConfirmTotpEnrolmentV1(session_token=TOKEN, code="123456"), CONTEXT)


async def test_a_pending_or_unknown_session_manages_nothing(world: World) -> None:
    await world.enrol_totp()
    opened = await world.log_in()

    for token in (opened.session_token, "unknown"):
        with pytest.raises(Unauthenticated):
            await status(world, token)
        with pytest.raises(Unauthenticated):
            await world.factor.remove_totp(RemoveTotpV1(session_token=token), CONTEXT)


async def test_changes_need_a_fresh_second_factor_once_one_is_enrolled(world: World) -> None:
    await world.enrol_totp()
    world.later(STEP_UP_MAX_AGE.total_seconds() + 1)

    with pytest.raises(StepUpRequired) as refused:
        await world.factor.remove_totp(RemoveTotpV1(session_token=TOKEN), CONTEXT)
    with pytest.raises(StepUpRequired):
        await world.factor.regenerate_recovery_codes(RegenerateRecoveryCodesV1(session_token=TOKEN), CONTEXT)
    with pytest.raises(StepUpRequired):
        await world.factor.start_passkey_registration(StartPasskeyRegistrationV1(session_token=TOKEN), CONTEXT)

    assert refused.value.code.status == 403
    assert refused.value.detail == "Pour cette action, confirmez votre identité avec votre double authentification."
    assert (await status(world)).totp


async def test_a_fresh_step_up_allows_the_change(world: World) -> None:
    secret, _ = await world.enrol_totp()
    world.later(STEP_UP_MAX_AGE.total_seconds() + 1)
    renewed = await world.prove(TOKEN, code=world.code(secret))

    after = await world.factor.remove_totp(RemoveTotpV1(session_token=renewed.session_token), CONTEXT)

    assert (after.totp, after.enrolled, after.recovery_codes_left) == (False, False, 0)
    assert world.second_factors.factors["a-1"].recovery_code_hashes == []


async def test_regenerated_codes_replace_the_old_ones(world: World) -> None:
    _, old = await world.enrol_totp()

    new = await world.factor.regenerate_recovery_codes(RegenerateRecoveryCodesV1(session_token=TOKEN), CONTEXT)

    hashes = world.second_factors.factors["a-1"].recovery_code_hashes
    scope = recovery_scope("a-1")
    assert len(new.recovery_codes) == 10
    assert world.hasher.hash(scope, canonical_recovery_code(old[0])) not in hashes
    assert world.hasher.hash(scope, canonical_recovery_code(new.recovery_codes[0])) in hashes


async def test_codes_are_only_regenerated_for_an_enrolled_account(world: World) -> None:
    with pytest.raises(SecondFactorRequired):
        await world.factor.regenerate_recovery_codes(RegenerateRecoveryCodesV1(session_token=TOKEN), CONTEXT)


async def test_a_second_totp_is_refused_while_one_is_active(world: World) -> None:
    await world.enrol_totp()

    with pytest.raises(InvalidInput):
        await world.factor.start_totp_enrolment(StartTotpEnrolmentV1(session_token=TOKEN), CONTEXT)


async def test_a_first_passkey_is_stored_with_its_name_gives_codes_and_upgrades_the_session(world: World) -> None:
    codes = await add_passkey(world)

    assert len(codes) == 10
    [passkey] = (await status(world)).passkeys
    assert (passkey.id, passkey.name, passkey.created_at, passkey.last_used_at) == (
        "cred-1", "Clé USB", world.clock(), None,
    )  # fmt: skip
    assert world.session(TOKEN).amr == ["pwd", "hwk", "mfa"]


async def test_registration_options_exclude_the_passkeys_already_there(world: World) -> None:
    await add_passkey(world)

    await world.factor.start_passkey_registration(StartPasskeyRegistrationV1(session_token=TOKEN), CONTEXT)

    assert world.passkeys.last_options["excludeCredentials"] == ["cred-1"]


async def test_a_second_passkey_gives_no_new_codes(world: World) -> None:
    first = await add_passkey(world)

    second = await add_passkey(world, "cred-2", "Téléphone")

    assert (len(first), second) == (10, [])
    assert [p.name for p in (await status(world)).passkeys] == ["Clé USB", "Téléphone"]


async def test_a_registration_challenge_serves_once_even_when_the_answer_is_wrong(world: World) -> None:
    options = await world.factor.start_passkey_registration(StartPasskeyRegistrationV1(session_token=TOKEN), CONTEXT)
    challenge = json.loads(options.options)["challenge"].encode()
    wrong = FinishPasskeyRegistrationV1(
        session_token=TOKEN, name="Clé", credential=world.passkeys.answer("cred-1", b"other")
    )
    right = wrong.model_copy(update={"credential": world.passkeys.answer("cred-1", challenge)})

    with pytest.raises(WrongSecondFactor):
        await world.factor.finish_passkey_registration(wrong, CONTEXT)
    with pytest.raises(InvalidInput):
        await world.factor.finish_passkey_registration(right, CONTEXT)


async def test_a_passkey_name_is_checked(world: World) -> None:
    request = FinishPasskeyRegistrationV1(session_token=TOKEN, name=" ", credential="{}")

    with pytest.raises(InvalidInput) as refused:
        await world.factor.finish_passkey_registration(request, CONTEXT)

    assert refused.value.field == "name"


async def test_an_unknown_passkey_is_not_found_and_removing_the_last_one_unenrols(world: World) -> None:
    await add_passkey(world)

    with pytest.raises(NotFound):
        await world.factor.remove_passkey(RemovePasskeyV1(session_token=TOKEN, passkey_id="nope"), CONTEXT)
    after = await world.factor.remove_passkey(RemovePasskeyV1(session_token=TOKEN, passkey_id="cred-1"), CONTEXT)

    assert (after.passkeys, after.enrolled, after.recovery_codes_left) == ([], False, 0)


async def test_enrolment_confirmations_share_the_account_budget_of_wrong_codes(world: World) -> None:
    await world.factor.start_totp_enrolment(StartTotpEnrolmentV1(session_token=TOKEN), CONTEXT)
    world.limiter.hits["second-factor-wrong:a-1"] = 10

    with pytest.raises(RateLimited) as refused:
        await world.factor.confirm_totp_enrolment(ConfirmTotpEnrolmentV1(session_token=TOKEN, code="000000"), CONTEXT)

    assert refused.value.retry_after_seconds == 42
