"""The captcha rules, the keyed hasher of short secrets and the SVG drawing of a captcha."""

from datetime import timedelta

import pytest

from identity.adapters.hmac_secret_hasher import HmacSecretHasher
from identity.adapters.svg_captcha_renderer import SvgCaptchaRenderer
from identity.domain.captcha import ALPHABET, Captcha, normalise_answer
from services.identity.tests.unit.fakes import KEY, T0


def captcha(used_at=None) -> Captcha:
    return Captcha(
        id="c-1", answer_hash="h", image_svg="<svg/>", expires_at=T0 + timedelta(minutes=10), used_at=used_at
    )


def test_a_captcha_accepts_its_answer_before_expiry() -> None:
    assert captcha().accepts("h", T0) is True


def test_a_captcha_refuses_a_wrong_answer() -> None:
    assert captcha().accepts("other", T0) is False


def test_a_captcha_refuses_its_answer_at_expiry() -> None:
    assert captcha().accepts("h", T0 + timedelta(minutes=10)) is False


def test_a_used_captcha_refuses_even_its_answer() -> None:
    assert captcha(used_at=T0).accepts("h", T0) is False


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("ac3 4d", "AC34D"), ("  x y\tz\n", "XYZ"), ("ACDEF", "ACDEF"), ("", "")],
)
def test_an_answer_is_normalised_to_upper_case_without_spaces(typed: str, expected: str) -> None:
    assert normalise_answer(typed) == expected


def test_the_alphabet_has_no_lookalike_characters() -> None:
    assert not set("0O1IL2Z5S8B") & set(ALPHABET)


def test_the_hasher_is_deterministic() -> None:
    assert HmacSecretHasher(KEY).hash("r-1", "123456") == HmacSecretHasher(KEY).hash("r-1", "123456")


def test_the_hasher_never_returns_the_secret() -> None:
    digest = HmacSecretHasher(KEY).hash("r-1", "123456")

    assert "123456" not in digest
    assert len(digest) == 64


def test_different_keys_give_different_hashes() -> None:
    assert HmacSecretHasher(b"a" * 32).hash("r-1", "123456") != HmacSecretHasher(b"b" * 32).hash("r-1", "123456")


def test_the_same_secret_in_another_scope_hashes_differently() -> None:
    hasher = HmacSecretHasher(KEY)

    assert hasher.hash("r-1", "123456") != hasher.hash("r-2", "123456")


def test_different_secrets_hash_differently() -> None:
    hasher = HmacSecretHasher(KEY)

    assert hasher.hash("r-1", "123456") != hasher.hash("r-1", "123457")


def test_a_key_shorter_than_32_bytes_is_refused() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        HmacSecretHasher(b"k" * 31)


def test_the_svg_shows_each_character_of_the_text() -> None:
    svg = SvgCaptchaRenderer().render_svg("AC34DX")

    assert svg.startswith("<svg ")
    assert svg.endswith("</svg>")
    glyphs = [part.split("<", 1)[0] for part in svg.split('fill="#1e1e50">')[1:]]
    assert glyphs == list("AC34DX")


def test_the_svg_escapes_markup_in_the_text() -> None:
    svg = SvgCaptchaRenderer().render_svg("<&>")

    assert "&lt;" in svg
    assert "&amp;" in svg
    assert "&gt;" in svg
    assert "<&>" not in svg
    assert svg.count("<text ") == 3
