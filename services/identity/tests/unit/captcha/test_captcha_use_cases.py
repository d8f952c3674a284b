"""Creating, showing, hearing and solving captchas, on the service's fakes and a fixed clock."""

import base64
from dataclasses import dataclass
from datetime import timedelta

import pytest

from contracts.identity import CreateCaptchaV1, GetCaptchaAudioV1, GetCaptchaImageV1
from efp_runtime.message_context import MessageContext
from identity.composition import Identity
from identity.domain.captcha import ALPHABET, LENGTH, VALIDITY, AudioUnavailable, Captcha
from identity.domain.errors import InvalidCaptcha, NotFound
from identity.fakes import T0, Fakes

CONTEXT = MessageContext(message_id="m-1", correlation_id="corr-1")


@dataclass(frozen=True)
class Answer:
    """What a sign-up, login or reset request carries for its captcha."""

    captcha_id: str
    captcha_answer: str


@pytest.fixture
def fakes() -> Fakes:
    return Fakes()


@pytest.fixture
def identity(fakes: Fakes) -> Identity:
    return fakes.use_cases()


async def stored(fakes: Fakes, answer: str = "AC34DX") -> Captcha:
    captcha = Captcha("c-1", fakes.hasher.hash("c-1", answer), b"png-c-1", T0 + VALIDITY, text=answer)
    await fakes.captchas.add(captcha)
    return captcha


async def image(identity: Identity, captcha_id: str = "c-1") -> str:
    return (await identity.get_captcha_image(GetCaptchaImageV1(captcha_id=captcha_id), CONTEXT)).media_type


async def audio(identity: Identity, captcha_id: str = "c-1") -> bytes:
    spoken = await identity.get_captcha_audio(GetCaptchaAudioV1(captcha_id=captcha_id), CONTEXT)
    assert spoken.media_type == "audio/wav"
    return base64.b64decode(spoken.content_base64)


async def solve(identity: Identity, answer: str, captcha_id: str = "c-1") -> None:
    await identity.solve_captcha(Answer(captcha_id, answer))


async def test_create_captcha_keeps_a_scoped_hash_to_check_the_answer(fakes, identity) -> None:
    created = await identity.create_captcha(CreateCaptchaV1(), CONTEXT)

    [text] = fakes.renderer.texts
    assert len(text) == LENGTH
    assert set(text) <= set(ALPHABET)
    captcha = fakes.captchas.captchas[created.captcha_id]
    assert captcha.answer_hash == fakes.hasher.hash(created.captcha_id, text)
    assert text not in captcha.answer_hash
    assert captcha.image_png == b"png-1"
    assert captcha.used_at is None


async def test_create_captcha_keeps_the_text_to_speak_it_later(fakes, identity) -> None:
    created = await identity.create_captcha(CreateCaptchaV1(), CONTEXT)

    assert fakes.captchas.captchas[created.captcha_id].text == fakes.renderer.texts[0]


async def test_a_created_captcha_lasts_ten_minutes(fakes, identity) -> None:
    created = await identity.create_captcha(CreateCaptchaV1(), CONTEXT)

    assert created.expires_at == T0 + VALIDITY == T0 + timedelta(minutes=10)
    assert fakes.captchas.captchas[created.captcha_id].expires_at == created.expires_at


async def test_two_captchas_get_different_ids(fakes, identity) -> None:
    first = await identity.create_captcha(CreateCaptchaV1(), CONTEXT)

    assert first.captcha_id != (await identity.create_captcha(CreateCaptchaV1(), CONTEXT)).captcha_id
    assert len(fakes.captchas.captchas) == 2


async def test_the_image_of_a_fresh_captcha_is_png(fakes, identity) -> None:
    await stored(fakes)

    shown = await identity.get_captcha_image(GetCaptchaImageV1(captcha_id="c-1"), CONTEXT)

    assert shown.media_type == "image/png"
    assert base64.b64decode(shown.content_base64) == b"png-c-1"


async def test_the_image_of_an_unknown_captcha_is_not_found(fakes, identity) -> None:
    with pytest.raises(NotFound):
        await image(identity, "nope")


async def test_the_image_of_an_expired_captcha_is_not_found(fakes, identity) -> None:
    await stored(fakes)
    fakes.clock.advance(VALIDITY)

    with pytest.raises(NotFound, match="expiré"):
        await image(identity)


async def test_the_image_of_a_used_captcha_is_not_found(fakes, identity) -> None:
    await stored(fakes)
    await fakes.captchas.use("c-1", T0)

    with pytest.raises(NotFound):
        await image(identity)


async def test_the_audio_of_a_fresh_captcha_is_its_text_spoken_as_wav(fakes, identity) -> None:
    await stored(fakes)

    assert await audio(identity) == b"RIFF AC34DX #1"
    assert fakes.voice.said == ["AC34DX"]


async def test_the_audio_of_an_unknown_captcha_is_not_found(fakes, identity) -> None:
    with pytest.raises(NotFound):
        await audio(identity, "nope")


async def test_the_audio_of_an_expired_captcha_is_not_found(fakes, identity) -> None:
    await stored(fakes)
    fakes.clock.advance(VALIDITY)

    with pytest.raises(NotFound, match="expiré"):
        await audio(identity)

    assert fakes.voice.said == []


async def test_the_audio_of_a_used_captcha_is_not_found(fakes, identity) -> None:
    await stored(fakes)
    await fakes.captchas.use("c-1", T0)

    with pytest.raises(NotFound):
        await audio(identity)

    assert fakes.voice.said == []


async def test_without_a_voice_the_audio_is_refused_but_the_image_still_shows(fakes, identity) -> None:
    await stored(fakes)
    fakes.voice.available = False

    with pytest.raises(AudioUnavailable) as refused:
        await audio(identity)

    assert refused.value.code == "audio_unavailable"
    assert await image(identity) == "image/png"


async def test_listening_does_not_use_the_captcha_up(fakes, identity) -> None:
    await stored(fakes)
    await audio(identity)
    await image(identity)

    await solve(identity, "AC34DX")

    assert fakes.captchas.captchas["c-1"].used_at == T0


async def test_the_right_answer_solves_the_captcha_whatever_the_case_and_spaces(fakes, identity) -> None:
    await stored(fakes)

    await solve(identity, " ac3 4dx ")

    assert fakes.captchas.captchas["c-1"].used_at == T0


async def test_a_captcha_is_single_use(fakes, identity) -> None:
    await stored(fakes)
    await solve(identity, "AC34DX")

    with pytest.raises(InvalidCaptcha) as refused:
        await solve(identity, "AC34DX")

    assert refused.value.field == "captcha_answer"


async def test_a_wrong_answer_is_refused_and_uses_the_captcha_up(fakes, identity) -> None:
    await stored(fakes)

    with pytest.raises(InvalidCaptcha) as refused:
        await solve(identity, "XXXXXX")

    assert refused.value.field == "captcha_answer"
    with pytest.raises(InvalidCaptcha):
        await solve(identity, "AC34DX")


async def test_an_expired_captcha_refuses_the_right_answer(fakes, identity) -> None:
    await stored(fakes)
    fakes.clock.advance(VALIDITY)

    with pytest.raises(InvalidCaptcha):
        await solve(identity, "AC34DX")


async def test_an_unknown_captcha_is_refused(fakes, identity) -> None:
    with pytest.raises(InvalidCaptcha):
        await solve(identity, "AC34DX", "nope")


async def test_the_configured_test_answer_solves_any_captcha(fakes, identity) -> None:
    await stored(fakes)

    await solve(fakes.use_cases(captcha_test_answer="TEST-ANSWER"), "TEST-ANSWER")

    assert fakes.captchas.captchas["c-1"].used_at == T0


async def test_the_test_answer_is_refused_when_none_is_configured(fakes, identity) -> None:
    await stored(fakes)

    with pytest.raises(InvalidCaptcha):
        await solve(identity, "TEST-ANSWER")


async def test_the_test_answer_does_not_revive_an_expired_captcha(fakes, identity) -> None:
    await stored(fakes)
    fakes.clock.advance(VALIDITY)

    with pytest.raises(InvalidCaptcha):
        await solve(fakes.use_cases(captcha_test_answer="TEST-ANSWER"), "TEST-ANSWER")


async def test_the_test_answer_does_not_reuse_a_used_captcha(fakes, identity) -> None:
    await stored(fakes)
    identity = fakes.use_cases(captcha_test_answer="TEST-ANSWER")
    await solve(identity, "TEST-ANSWER")

    with pytest.raises(InvalidCaptcha):
        await solve(identity, "TEST-ANSWER")


async def test_an_empty_answer_never_solves_a_captcha(fakes, identity) -> None:
    await stored(fakes)

    with pytest.raises(InvalidCaptcha):
        await solve(fakes.use_cases(captcha_test_answer=""), "")
