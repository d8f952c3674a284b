"""The login's second step and step-up: a pending session, the proofs (TOTP, recovery code, passkey), replays
refused, single uses, budgets of wrong codes, and the rotation to a new session."""

import asyncio
import json

import pytest

from contracts.accounts import AuthenticateSessionV1, LogOutV1, SessionOpenedV1
from contracts.second_factor import (
    FinishPasskeyRegistrationV1,
    StartPasskeyRegistrationV1,
    StartSecondFactorChallengeV1,
)
from identity.domain.errors import (
    CsrfFailed,
    InvalidInput,
    PasskeyUnavailable,
    RateLimited,
    SecondFactorPending,
    SecondFactorRequired,
    Unauthenticated,
    WrongSecondFactor,
)
from identity.domain.session import ABSOLUTE_LIFETIME, PENDING_LIFETIME, session_id_of
from identity.fakes.logged_in import CONTEXT, CSRF, TOKEN
from identity.fakes.logged_in import LoggedIn as World


async def authenticate(world: World, token: str):
    return await world.identity.authenticate_session(AuthenticateSessionV1(session_token=token), CONTEXT)


async def challenge(world: World, token: str, csrf: str) -> bytes:
    request = StartSecondFactorChallengeV1(session_token=token, csrf_token=csrf)
    options = await world.factor.start_second_factor_challenge(request, CONTEXT)
    return json.loads(options.options)["challenge"].encode()


async def with_passkey(world: World, credential_id: str = "cred-1") -> None:
    options = await world.factor.start_passkey_registration(StartPasskeyRegistrationV1(session_token=TOKEN), CONTEXT)
    answer = world.passkeys.answer(credential_id, json.loads(options.options)["challenge"].encode(), sign_count=0)
    await world.factor.finish_passkey_registration(
        FinishPasskeyRegistrationV1(session_token=TOKEN, name="Clé", credential=answer), CONTEXT
    )


async def test_without_a_factor_a_login_opens_a_full_session(world: World) -> None:
    opened = await world.log_in()

    assert (opened.second_factor_pending, opened.amr) == (False, ["pwd"])
    assert (await authenticate(world, opened.session_token)).amr == ["pwd"]


async def test_with_a_factor_a_login_opens_a_pending_session_that_opens_nothing_else(world: World) -> None:
    await world.enrol_totp()

    opened = await world.log_in()

    assert (opened.second_factor_pending, opened.amr) == (True, ["pwd"])
    assert opened.expires_at == world.clock() + PENDING_LIFETIME
    with pytest.raises(SecondFactorPending) as refused:
        await authenticate(world, opened.session_token)
    assert (refused.value.code.value, refused.value.code.status) == ("second_factor_pending", 401)


async def test_a_pending_session_can_still_log_out(world: World) -> None:
    await world.enrol_totp()
    opened = await world.log_in()

    await world.identity.log_out(LogOutV1(session_token=opened.session_token), CONTEXT)

    with pytest.raises(Unauthenticated):
        await world.prove(opened, code="123456")


async def test_a_pending_session_ends_after_five_minutes(world: World) -> None:
    secret, _ = await world.enrol_totp()
    opened = await world.log_in()
    world.later(PENDING_LIFETIME.total_seconds())

    with pytest.raises(Unauthenticated):
        await world.prove(opened, code=world.code(secret))


async def test_a_totp_code_completes_the_login_into_a_new_session(world: World) -> None:
    secret, _ = await world.enrol_totp()
    opened = await world.log_in()
    login_time = world.clock()
    world.later(60)

    full = await world.prove(opened, code=world.code(secret))

    assert full.session_token != opened.session_token
    assert full.csrf_token != opened.csrf_token
    assert (full.second_factor_pending, full.amr) == (False, ["pwd", "otp", "mfa"])
    assert full.expires_at == login_time + ABSOLUTE_LIFETIME  # counted from the password step
    assert world.session(opened.session_token).revoked_at == world.clock()
    seen = await authenticate(world, full.session_token)
    assert (seen.amr, seen.second_factor_at, seen.second_factor_enrolled) == (
        ["pwd", "otp", "mfa"], world.clock(), True,
    )  # fmt: skip


async def test_a_totp_code_is_accepted_once(world: World) -> None:
    secret, _ = await world.enrol_totp()
    world.later(30)
    code = world.code(secret)
    first = await world.log_in()
    await world.prove(first, code=code)
    second = await world.log_in()

    with pytest.raises(WrongSecondFactor):
        await world.prove(second, code=code)


async def test_a_code_of_a_step_before_the_last_accepted_one_is_refused(world: World) -> None:
    secret, _ = await world.enrol_totp()
    world.later(30)
    await world.prove(await world.log_in(), code=world.code(secret, +1))

    with pytest.raises(WrongSecondFactor):
        await world.prove(await world.log_in(), code=world.code(secret))


async def test_two_concurrent_uses_of_one_code_give_one_session(world: World) -> None:
    secret, _ = await world.enrol_totp()
    world.later(30)
    code = world.code(secret)
    a, b = await world.log_in(), await world.log_in()

    results = await asyncio.gather(world.prove(a, code=code), world.prove(b, code=code), return_exceptions=True)

    assert sorted(type(r).__name__ for r in results) == ["SessionOpenedV1", "WrongSecondFactor"]


async def test_a_recovery_code_works_once_whatever_its_spelling(world: World) -> None:
    _, codes = await world.enrol_totp()
    typed = codes[3].lower().replace("-", " ")

    full = await world.prove(await world.log_in(), "recovery_code", code=typed)

    assert full.amr == ["pwd", "otp", "mfa"]
    assert len(world.second_factors.factors["a-1"].recovery_code_hashes) == 9
    with pytest.raises(WrongSecondFactor):
        await world.prove(await world.log_in(), "recovery_code", code=codes[3])


async def test_the_csrf_token_of_the_pending_session_is_checked(world: World) -> None:
    secret, _ = await world.enrol_totp()
    opened = await world.log_in()

    with pytest.raises(CsrfFailed):
        await world.prove(opened.session_token, code=world.code(secret))


async def test_a_code_is_required_for_totp(world: World) -> None:
    await world.enrol_totp()

    with pytest.raises(InvalidInput):
        await world.prove(await world.log_in())


async def test_five_wrong_codes_close_the_pending_session(world: World) -> None:
    secret, _ = await world.enrol_totp()
    opened = await world.log_in()
    for _ in range(4):
        with pytest.raises(WrongSecondFactor):
            await world.prove(opened, code="000000")

    with pytest.raises(Unauthenticated) as closed:
        await world.prove(opened, code="000000")

    assert "identifier à nouveau" in closed.value.detail
    assert world.session(opened.session_token).revoked_at is not None
    with pytest.raises(Unauthenticated):
        await world.prove(opened, code=world.code(secret))


async def test_ten_wrong_codes_per_account_then_429_even_for_the_right_code(world: World) -> None:
    secret, _ = await world.enrol_totp()
    for _ in range(2):
        opened = await world.log_in()
        for _ in range(4):
            with pytest.raises(WrongSecondFactor):
                await world.prove(opened, code="000000")
    opened = await world.log_in()
    for _ in range(2):
        with pytest.raises(WrongSecondFactor):
            await world.prove(opened, code="000000")

    with pytest.raises(RateLimited) as refused:
        await world.prove(opened, code=world.code(secret, +1))

    assert refused.value.retry_after_seconds == 42
    assert world.limiter.hits["second-factor-wrong:a-1"] == 10


async def test_right_codes_do_not_count_against_the_budget(world: World) -> None:
    secret, _ = await world.enrol_totp()
    session: SessionOpenedV1 | str = TOKEN
    for _ in range(12):  # step-ups, each on the session the previous one opened
        world.later(30)
        session = await world.prove(session, code=world.code(secret))

    assert "second-factor-wrong:a-1" not in world.limiter.hits


async def test_step_up_on_a_full_session_replaces_it_and_renews_the_second_factor_time(world: World) -> None:
    secret, _ = await world.enrol_totp()
    world.later(20 * 60)

    renewed = await world.prove(TOKEN, code=world.code(secret))

    assert world.session(TOKEN).revoked_at == world.clock()
    assert world.session(renewed.session_token).second_factor_at == world.clock()
    assert world.session(renewed.session_token).created_at == world.session(TOKEN).created_at
    assert renewed.amr == ["pwd", "otp", "mfa"]


async def test_a_step_up_keeps_the_relying_parties_to_tell_at_logout(world: World) -> None:
    secret, _ = await world.enrol_totp()
    await world.sessions.attach_client(session_id_of(TOKEN), "ceres")
    world.later(30)

    renewed = await world.prove(TOKEN, code=world.code(secret))

    assert world.sessions.clients == {session_id_of(renewed.session_token): ["ceres"]}


async def test_an_account_without_factor_has_nothing_to_prove(world: World) -> None:
    with pytest.raises(SecondFactorRequired):
        await world.prove(TOKEN, code="123456")


async def test_a_passkey_completes_the_login_and_updates_its_sign_count(world: World) -> None:
    await with_passkey(world)
    opened = await world.log_in()
    value = await challenge(world, opened.session_token, opened.csrf_token)
    world.later(10)

    full = await world.prove(opened, "passkey", credential=world.passkeys.answer("cred-1", value, sign_count=5))

    assert full.amr == ["pwd", "hwk", "mfa"]
    assert world.passkeys.last_options["allowCredentials"] == ["cred-1"]
    passkey = world.second_factors.factors["a-1"].passkeys[0]
    assert (passkey.sign_count, passkey.last_used_at) == (5, world.clock())


async def test_a_passkey_challenge_serves_once(world: World) -> None:
    await with_passkey(world)
    opened = await world.log_in()
    value = await challenge(world, opened.session_token, opened.csrf_token)
    wrong = world.passkeys.answer("cred-1", b"not-the-challenge", sign_count=5)

    with pytest.raises(WrongSecondFactor):
        await world.prove(opened, "passkey", credential=wrong)
    with pytest.raises(PasskeyUnavailable):
        await world.prove(opened, "passkey", credential=world.passkeys.answer("cred-1", value, sign_count=5))


async def test_an_unknown_passkey_or_a_sign_count_that_did_not_grow_is_refused(world: World) -> None:
    await with_passkey(world)
    opened = await world.log_in()
    value = await challenge(world, opened.session_token, opened.csrf_token)
    await world.prove(opened, "passkey", credential=world.passkeys.answer("cred-1", value, sign_count=5))
    again = await world.log_in()

    value = await challenge(world, again.session_token, again.csrf_token)
    with pytest.raises(WrongSecondFactor):
        await world.prove(again, "passkey", credential=world.passkeys.answer("cred-1", value, sign_count=5))
    value = await challenge(world, again.session_token, again.csrf_token)
    with pytest.raises(WrongSecondFactor):
        await world.prove(again, "passkey", credential=world.passkeys.answer("cred-9", value, sign_count=9))


async def test_the_challenge_needs_the_csrf_token_and_a_passkey(world: World) -> None:
    with pytest.raises(PasskeyUnavailable):
        await challenge(world, TOKEN, CSRF)
    await with_passkey(world)
    with pytest.raises(CsrfFailed):
        await challenge(world, TOKEN, "wrong")
    with pytest.raises(Unauthenticated):
        await challenge(world, "unknown", CSRF)
