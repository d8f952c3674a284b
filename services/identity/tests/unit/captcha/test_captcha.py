"""The captcha rules, the keyed hasher of short secrets, the PNG drawing and the spoken captcha."""

import io
import logging
import struct
import sys
import wave
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image

from identity.adapters.espeak_captcha_voice import SPOKEN, EspeakCaptchaVoice, script, with_exact_sizes
from identity.adapters.hmac_secret_hasher import HmacSecretHasher
from identity.adapters.pillow_captcha_renderer import HEIGHT, WIDTH, PillowCaptchaRenderer
from identity.domain.captcha import ALPHABET, AudioUnavailable, Captcha, normalise_answer
from identity.fakes import KEY, T0


def captcha(used_at=None) -> Captcha:
    return Captcha(
        id="c-1",
        answer_hash="h",
        image_png=b"png",
        expires_at=T0 + timedelta(minutes=10),
        used_at=used_at,
        text="AC34DX",
    )


def test_a_captcha_accepts_its_answer_before_expiry() -> None:
    assert captcha().accepts("h", T0) is True


def test_a_captcha_refuses_a_wrong_answer() -> None:
    assert captcha().accepts("other", T0) is False


def test_a_captcha_refuses_its_answer_at_expiry() -> None:
    assert captcha().accepts("h", T0 + timedelta(minutes=10)) is False


def test_a_used_captcha_refuses_even_its_answer() -> None:
    assert captcha(used_at=T0).accepts("h", T0) is False


def test_a_captcha_is_open_until_used_or_expired() -> None:
    assert captcha().is_open(T0 + timedelta(minutes=9, seconds=59)) is True
    assert captcha().is_open(T0 + timedelta(minutes=10)) is False
    assert captcha(used_at=T0).is_open(T0) is False


def test_a_captcha_never_shows_its_text_or_image_in_its_repr() -> None:
    assert "AC34DX" not in repr(captcha())
    assert "png" not in repr(captcha())


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


# --- the PNG -------------------------------------------------------------------------


def png_chunks(png: bytes) -> list[bytes]:
    chunks, offset = [], 8
    while offset < len(png):
        (length,) = struct.unpack_from(">I", png, offset)
        chunks.append(png[offset + 4 : offset + 8])
        offset += 12 + length
    return chunks


def test_the_captcha_is_a_200_by_70_png() -> None:
    png = PillowCaptchaRenderer().draw_png("AC34DX")

    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    image.verify()
    assert (image.format, image.size) == ("PNG", (WIDTH, HEIGHT)) == ("PNG", (200, 70))


def test_the_png_carries_pixels_only_never_the_text() -> None:
    png = PillowCaptchaRenderer().draw_png("AC34DX")

    assert set(png_chunks(png)) == {b"IHDR", b"IDAT", b"IEND"}
    assert Image.open(io.BytesIO(png)).info == {}
    assert b"AC34DX" not in png


def test_the_same_text_is_drawn_differently_every_time() -> None:
    renderer = PillowCaptchaRenderer()

    assert len({renderer.draw_png("AC34DX") for _ in range(3)}) == 3


@pytest.mark.parametrize("text", ["AC34DX", "WMWMWM", "G6Q9G6"])
def test_the_glyphs_are_dark_on_a_light_background(text: str) -> None:
    image = Image.open(io.BytesIO(PillowCaptchaRenderer().draw_png(text))).convert("L")

    # Six glyphs ink about a thousand dark pixels; the noise alone, about a hundred.
    assert sum(image.histogram()[:100]) > 600


# --- the audio -----------------------------------------------------------------------


def test_every_character_of_the_alphabet_is_spelt_in_french() -> None:
    assert set(ALPHABET) <= set(SPOKEN)
    assert script("AY7") == "Code de sécurité : A comme Anatole. i grec comme Yvonne. chiffre 7."


async def test_espeak_speaks_the_captcha_as_a_wav_of_a_few_seconds() -> None:
    audio = await EspeakCaptchaVoice().speak("AC34DX")

    assert audio[:4] == b"RIFF"
    assert audio[8:12] == b"WAVE"
    with wave.open(io.BytesIO(audio)) as sound:
        seconds = sound.getnframes() / sound.getframerate()
        assert sound.getnchannels() == 1
    # About a second and a half per spelt character, after a short introduction.
    assert 5 < seconds < 30


async def test_a_missing_speech_engine_is_a_clear_refusal(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR), pytest.raises(AudioUnavailable) as refused:
        await EspeakCaptchaVoice(executable="/nonexistent/espeak-ng").speak("AC34DX")

    assert refused.value.code == "audio_unavailable"
    assert "audio du code de sécurité est momentanément indisponible" in refused.value.detail
    assert "/nonexistent/espeak-ng" in caplog.text
    assert "AC34DX" not in caplog.text


async def test_a_failing_speech_engine_is_a_clear_refusal() -> None:
    with pytest.raises(AudioUnavailable):
        await EspeakCaptchaVoice(executable="/bin/false").speak("AC34DX")


def fake_engine(tmp_path: Path, body: str) -> str:
    """An executable standing in for espeak-ng: a Python script, started directly (no shell)."""
    engine = tmp_path / "espeak-ng"
    engine.write_text(f"#!{sys.executable}\nimport sys, time\n{body}\n")
    engine.chmod(0o755)
    return str(engine)


async def test_a_hung_speech_engine_is_stopped_and_refused(tmp_path: Path) -> None:
    engine = fake_engine(tmp_path, "time.sleep(30)")

    with pytest.raises(AudioUnavailable):
        await EspeakCaptchaVoice(executable=engine, timeout_seconds=0.2).speak("AC34DX")


async def test_the_answer_goes_to_the_engine_on_stdin_never_in_its_arguments(tmp_path: Path) -> None:
    body = (
        f"open({str(tmp_path / 'argv')!r}, 'w').write(' '.join(sys.argv))\n"
        f"open({str(tmp_path / 'stdin')!r}, 'wb').write(sys.stdin.buffer.read())\n"
        "sys.stdout.buffer.write(b'RIFF\\xff\\xff\\xff\\x7fWAVE' + b'data\\xff\\xff\\xff\\x7f' + b'\\x00' * 4)"
    )

    audio = await EspeakCaptchaVoice(executable=fake_engine(tmp_path, body)).speak("AC34DX")

    argv = (tmp_path / "argv").read_text()
    assert "AC34DX" not in argv
    assert "-v fr" in argv
    assert "--stdout" in argv
    assert (tmp_path / "stdin").read_text() == script("AC34DX")
    assert audio == b"RIFF\x10\x00\x00\x00WAVEdata\x04\x00\x00\x00" + b"\x00" * 4


def test_the_wav_header_gets_the_real_sizes() -> None:
    streamed = b"RIFF\xff\xff\xff\x7fWAVEfmt \x02\x00\x00\x00abdata\xff\xff\xff\x7f" + b"\x01\x02" * 3

    fixed = with_exact_sizes(streamed)

    assert struct.unpack_from("<I", fixed, 4)[0] == len(fixed) - 8
    assert struct.unpack_from("<I", fixed, 26)[0] == 6
    assert fixed[30:] == b"\x01\x02" * 3
