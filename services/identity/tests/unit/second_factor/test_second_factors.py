"""The second factors of an account and the session's rules: pending life, step-up freshness, the successor."""

from datetime import timedelta

import pytest

from identity.domain.errors import InvalidInput
from identity.domain.second_factor import (
    PENDING_TOTP_LIFETIME,
    RECOVERY_ALPHABET,
    Passkey,
    SecondFactors,
    canonical_recovery_code,
    new_recovery_codes,
    passkey_name,
)
from identity.domain.session import ABSOLUTE_LIFETIME, PENDING_LIFETIME, STEP_UP_MAX_AGE, Session
from identity.fakes import T0


def passkey(passkey_id: str = "cred-1") -> Passkey:
    return Passkey(passkey_id, b"cose", 0, "Ma clé", T0)


def test_a_pending_totp_becomes_active_with_its_confirming_step_and_is_the_first_factor() -> None:
    factors = SecondFactors("a-1")
    factors.start_totp("sealed", T0)

    first = factors.activate_totp(42, T0)

    assert first is True
    assert factors.totp is not None
    assert (factors.totp.sealed_secret, factors.totp.last_step, factors.pending_totp) == ("sealed", 42, None)
    assert factors.enrolled


def test_a_pending_totp_expires() -> None:
    factors = SecondFactors("a-1")
    factors.start_totp("sealed", T0)

    with pytest.raises(InvalidInput):
        factors.activate_totp(42, T0 + PENDING_TOTP_LIFETIME)


def test_a_second_totp_is_refused_while_one_is_active() -> None:
    factors = SecondFactors("a-1")
    factors.start_totp("sealed", T0)
    factors.activate_totp(1, T0)

    with pytest.raises(InvalidInput):
        factors.start_totp("other", T0)


def test_removing_the_last_factor_deletes_the_recovery_codes_but_not_while_one_is_left() -> None:
    factors = SecondFactors("a-1")
    factors.start_totp("sealed", T0)
    factors.activate_totp(1, T0)
    factors.add_passkey(passkey())
    factors.replace_recovery_codes(["h1", "h2"])

    factors.remove_totp()
    assert factors.recovery_code_hashes == ["h1", "h2"]
    factors.remove_passkey("cred-1")

    assert (factors.enrolled, factors.recovery_code_hashes) == (False, [])


def test_a_passkey_is_registered_once() -> None:
    factors = SecondFactors("a-1")
    assert factors.add_passkey(passkey()) is True

    with pytest.raises(InvalidInput):
        factors.add_passkey(passkey())
    assert factors.add_passkey(passkey("cred-2")) is False


def test_the_registration_challenge_serves_once_and_expires() -> None:
    factors = SecondFactors("a-1")
    factors.start_registration(b"challenge", T0)

    assert factors.take_registration(T0) == b"challenge"
    with pytest.raises(InvalidInput):
        factors.take_registration(T0)
    factors.start_registration(b"challenge", T0)
    with pytest.raises(InvalidInput):
        factors.take_registration(T0 + timedelta(minutes=5))


@pytest.mark.parametrize("name", ["", "   ", "x" * 65])
def test_a_passkey_name_has_1_to_64_characters(name: str) -> None:
    with pytest.raises(InvalidInput):
        passkey_name(name)
    assert passkey_name("  Clé   USB  ") == "Clé USB"


def test_recovery_codes_are_ten_distinct_groups_easy_to_type() -> None:
    codes = new_recovery_codes()

    assert len(set(codes)) == 10
    for code in codes:
        groups = code.split("-")
        assert [len(g) for g in groups] == [4, 4, 2]
        assert set("".join(groups)) <= set(RECOVERY_ALPHABET)
    assert canonical_recovery_code(" abcd-efgh jk ") == "ABCDEFGHJK"


def test_a_pending_session_lives_five_minutes_and_is_alive_but_not_active() -> None:
    session = Session("s", "a-1", "csrf", T0, T0, pending_second_factor=True)

    assert session.alive(T0)
    assert not session.active(T0)
    assert session.expires_at == T0 + PENDING_LIFETIME
    assert not session.alive(T0 + PENDING_LIFETIME)


def test_the_successor_keeps_the_login_time_and_adds_the_factor() -> None:
    pending = Session("s", "a-1", "csrf", T0, T0, pending_second_factor=True)
    now = T0 + timedelta(minutes=2)

    full = pending.successor("s2", "csrf2", "otp", now)

    assert (full.id, full.csrf_token, full.created_at, full.second_factor_at) == ("s2", "csrf2", T0, now)
    assert full.amr == ["pwd", "otp", "mfa"]
    assert full.active(now)
    assert full.expires_at == T0 + ABSOLUTE_LIFETIME
    assert full.proved_second_factor
    assert full.successor("s3", "c3", "hwk", now).amr == ["pwd", "otp", "hwk", "mfa"]


def test_a_second_factor_is_fresh_for_fifteen_minutes() -> None:
    session = Session("s", "a-1", "csrf", T0, T0, amr=["pwd", "otp", "mfa"], second_factor_at=T0)

    assert session.second_factor_fresh(T0 + STEP_UP_MAX_AGE)
    assert not session.second_factor_fresh(T0 + STEP_UP_MAX_AGE + timedelta(seconds=1))
    assert not Session("s", "a-1", "csrf", T0, T0).second_factor_fresh(T0)
