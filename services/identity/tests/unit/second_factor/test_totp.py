"""TOTP codes: the current step and one either side; never a step at or before the last accepted one."""

from datetime import UTC, datetime

import pyotp

from identity.domain import totp

SECRET = pyotp.random_base32()
NOW = datetime(2030, 1, 1, 12, 0, 10, tzinfo=UTC).timestamp()
STEP = int(NOW) // 30


def test_the_current_code_is_accepted_at_its_step() -> None:
    assert totp.matching_step(SECRET, pyotp.TOTP(SECRET).at(NOW), NOW, None) == STEP


def test_one_step_of_drift_either_side_is_accepted_two_are_not() -> None:
    assert totp.matching_step(SECRET, totp.code_at(SECRET, STEP - 1), NOW, None) == STEP - 1
    assert totp.matching_step(SECRET, totp.code_at(SECRET, STEP + 1), NOW, None) == STEP + 1
    assert totp.matching_step(SECRET, totp.code_at(SECRET, STEP - 2), NOW, None) is None
    assert totp.matching_step(SECRET, totp.code_at(SECRET, STEP + 2), NOW, None) is None


def test_a_code_whose_step_is_not_after_the_last_accepted_one_is_a_replay() -> None:
    code = totp.code_at(SECRET, STEP)

    assert totp.matching_step(SECRET, code, NOW, STEP) is None
    assert totp.matching_step(SECRET, totp.code_at(SECRET, STEP - 1), NOW, STEP) is None
    assert totp.matching_step(SECRET, totp.code_at(SECRET, STEP + 1), NOW, STEP) == STEP + 1


def test_spaces_are_ignored_and_anything_but_six_digits_is_refused() -> None:
    code = totp.code_at(SECRET, STEP)

    assert totp.matching_step(SECRET, f" {code[:3]} {code[3:]} ", NOW, None) == STEP
    assert totp.matching_step(SECRET, code[:5], NOW, None) is None
    assert totp.matching_step(SECRET, "abcdef", NOW, None) is None


def test_the_provisioning_uri_names_the_issuer_and_the_address() -> None:
    uri = totp.provisioning_uri(SECRET, "ada@example.fr")

    assert uri.startswith("otpauth://totp/EFP%20Connect:ada%40example.fr?")
    assert f"secret={SECRET}" in uri
    assert "issuer=EFP%20Connect" in uri
