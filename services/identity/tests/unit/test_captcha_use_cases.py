"""Creating, showing, hearing and solving captchas, with an in-memory repository and a fixed clock."""

import base64
from datetime import timedelta

import pytest

from identity.adapters.hmac_secret_hasher import HmacSecretHasher
from identity.domain.captcha import ALPHABET, LENGTH, VALIDITY, AudioUnavailable, Captcha
from identity.domain.errors import InvalidCaptcha, NotFound
from identity.use_cases.create_captcha import CreateCaptcha
from identity.use_cases.get_captcha_audio import GetCaptchaAudio
from identity.use_cases.get_captcha_image import GetCaptchaImage
from identity.use_cases.solve_captcha import SolveCaptcha
from services.identity.tests.unit.fakes import KEY, T0, FakeCaptchaRepository, FakeClock


class RecordingRenderer:
    """Remembers the text it was asked to draw, so a test knows the right answer."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def render_png(self, text: str) -> bytes:
        self.texts.append(text)
        return f"png-{len(self.texts)}".encode()


class RecordingVoice:
    """Remembers what it was asked to say; fails like espeak-ng when told to."""

    def __init__(self, available: bool = True) -> None:
        self.said: list[str] = []
        self.available = available

    async def speak(self, text: str) -> bytes:
        if not self.available:
            raise AudioUnavailable()
        self.said.append(text)
        return f"RIFF {text}".encode()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def captchas() -> FakeCaptchaRepository:
    return FakeCaptchaRepository()


@pytest.fixture
def hasher() -> HmacSecretHasher:
    return HmacSecretHasher(KEY)


async def stored(captchas: FakeCaptchaRepository, hasher: HmacSecretHasher, answer: str = "AC34DX") -> Captcha:
    captcha = Captcha("c-1", hasher.hash("c-1", answer), b"png-c-1", T0 + VALIDITY, text=answer)
    await captchas.add(captcha)
    return captcha


async def test_create_captcha_keeps_a_scoped_hash_to_check_the_answer(captchas, hasher, clock) -> None:
    renderer = RecordingRenderer()

    created = await CreateCaptcha(captchas, renderer, hasher, clock)()

    [text] = renderer.texts
    assert len(text) == LENGTH
    assert set(text) <= set(ALPHABET)
    captcha = captchas.captchas[created.captcha_id]
    assert captcha.answer_hash == hasher.hash(created.captcha_id, text)
    assert text not in captcha.answer_hash
    assert captcha.image_png == b"png-1"
    assert captcha.used_at is None


async def test_create_captcha_keeps_the_text_to_speak_it_later(captchas, hasher, clock) -> None:
    renderer = RecordingRenderer()

    created = await CreateCaptcha(captchas, renderer, hasher, clock)()

    assert captchas.captchas[created.captcha_id].text == renderer.texts[0]


async def test_a_created_captcha_lasts_ten_minutes(captchas, hasher, clock) -> None:
    created = await CreateCaptcha(captchas, RecordingRenderer(), hasher, clock)()

    assert created.expires_at == T0 + VALIDITY == T0 + timedelta(minutes=10)
    assert captchas.captchas[created.captcha_id].expires_at == created.expires_at


async def test_two_captchas_get_different_ids(captchas, hasher, clock) -> None:
    create = CreateCaptcha(captchas, RecordingRenderer(), hasher, clock)

    assert (await create()).captcha_id != (await create()).captcha_id
    assert len(captchas.captchas) == 2


async def test_the_image_of_a_fresh_captcha_is_png(captchas, hasher, clock) -> None:
    await stored(captchas, hasher)

    image = await GetCaptchaImage(captchas, clock)("c-1")

    assert image.media_type == "image/png"
    assert base64.b64decode(image.content_base64) == b"png-c-1"


async def test_the_image_of_an_unknown_captcha_is_not_found(captchas, clock) -> None:
    with pytest.raises(NotFound):
        await GetCaptchaImage(captchas, clock)("nope")


async def test_the_image_of_an_expired_captcha_is_not_found(captchas, hasher, clock) -> None:
    await stored(captchas, hasher)
    clock.advance(VALIDITY)

    with pytest.raises(NotFound, match="expiré"):
        await GetCaptchaImage(captchas, clock)("c-1")


async def test_the_image_of_a_used_captcha_is_not_found(captchas, hasher, clock) -> None:
    await stored(captchas, hasher)
    await captchas.use("c-1", T0)

    with pytest.raises(NotFound):
        await GetCaptchaImage(captchas, clock)("c-1")


async def test_the_audio_of_a_fresh_captcha_is_its_text_spoken_as_wav(captchas, hasher, clock) -> None:
    await stored(captchas, hasher)
    voice = RecordingVoice()

    audio = await GetCaptchaAudio(captchas, voice, clock)("c-1")

    assert audio.media_type == "audio/wav"
    assert base64.b64decode(audio.content_base64) == b"RIFF AC34DX"
    assert voice.said == ["AC34DX"]


async def test_the_audio_of_an_unknown_captcha_is_not_found(captchas, clock) -> None:
    with pytest.raises(NotFound):
        await GetCaptchaAudio(captchas, RecordingVoice(), clock)("nope")


async def test_the_audio_of_an_expired_captcha_is_not_found(captchas, hasher, clock) -> None:
    await stored(captchas, hasher)
    clock.advance(VALIDITY)
    voice = RecordingVoice()

    with pytest.raises(NotFound, match="expiré"):
        await GetCaptchaAudio(captchas, voice, clock)("c-1")

    assert voice.said == []


async def test_the_audio_of_a_used_captcha_is_not_found(captchas, hasher, clock) -> None:
    await stored(captchas, hasher)
    await captchas.use("c-1", T0)
    voice = RecordingVoice()

    with pytest.raises(NotFound):
        await GetCaptchaAudio(captchas, voice, clock)("c-1")

    assert voice.said == []


async def test_without_a_voice_the_audio_is_refused_but_the_image_still_shows(captchas, hasher, clock) -> None:
    await stored(captchas, hasher)

    with pytest.raises(AudioUnavailable) as refused:
        await GetCaptchaAudio(captchas, RecordingVoice(available=False), clock)("c-1")

    assert refused.value.code == "audio_unavailable"
    assert (await GetCaptchaImage(captchas, clock)("c-1")).media_type == "image/png"


async def test_listening_does_not_use_the_captcha_up(captchas, hasher, clock) -> None:
    await stored(captchas, hasher)
    await GetCaptchaAudio(captchas, RecordingVoice(), clock)("c-1")
    await GetCaptchaImage(captchas, clock)("c-1")

    await SolveCaptcha(captchas, hasher, clock, test_answer=None)("c-1", "AC34DX")

    assert captchas.captchas["c-1"].used_at == T0


async def test_the_right_answer_solves_the_captcha_whatever_the_case_and_spaces(captchas, hasher, clock) -> None:
    await stored(captchas, hasher)

    await SolveCaptcha(captchas, hasher, clock, test_answer=None)("c-1", " ac3 4dx ")

    assert captchas.captchas["c-1"].used_at == T0


async def test_a_captcha_is_single_use(captchas, hasher, clock) -> None:
    await stored(captchas, hasher)
    solve = SolveCaptcha(captchas, hasher, clock, test_answer=None)
    await solve("c-1", "AC34DX")

    with pytest.raises(InvalidCaptcha) as refused:
        await solve("c-1", "AC34DX")

    assert refused.value.field == "captcha_answer"


async def test_a_wrong_answer_is_refused_and_uses_the_captcha_up(captchas, hasher, clock) -> None:
    await stored(captchas, hasher)
    solve = SolveCaptcha(captchas, hasher, clock, test_answer=None)

    with pytest.raises(InvalidCaptcha) as refused:
        await solve("c-1", "XXXXXX")

    assert refused.value.field == "captcha_answer"
    with pytest.raises(InvalidCaptcha):
        await solve("c-1", "AC34DX")


async def test_an_expired_captcha_refuses_the_right_answer(captchas, hasher, clock) -> None:
    await stored(captchas, hasher)
    clock.advance(VALIDITY)

    with pytest.raises(InvalidCaptcha):
        await SolveCaptcha(captchas, hasher, clock, test_answer=None)("c-1", "AC34DX")


async def test_an_unknown_captcha_is_refused(captchas, hasher, clock) -> None:
    with pytest.raises(InvalidCaptcha):
        await SolveCaptcha(captchas, hasher, clock, test_answer=None)("nope", "AC34DX")


async def test_the_configured_test_answer_solves_any_captcha(captchas, hasher, clock) -> None:
    await stored(captchas, hasher)

    await SolveCaptcha(captchas, hasher, clock, test_answer="TEST-ANSWER")("c-1", "TEST-ANSWER")

    assert captchas.captchas["c-1"].used_at == T0


async def test_the_test_answer_is_refused_when_none_is_configured(captchas, hasher, clock) -> None:
    await stored(captchas, hasher)

    with pytest.raises(InvalidCaptcha):
        await SolveCaptcha(captchas, hasher, clock, test_answer=None)("c-1", "TEST-ANSWER")


async def test_the_test_answer_does_not_revive_an_expired_captcha(captchas, hasher, clock) -> None:
    await stored(captchas, hasher)
    clock.advance(VALIDITY)

    with pytest.raises(InvalidCaptcha):
        await SolveCaptcha(captchas, hasher, clock, test_answer="TEST-ANSWER")("c-1", "TEST-ANSWER")


async def test_the_test_answer_does_not_reuse_a_used_captcha(captchas, hasher, clock) -> None:
    await stored(captchas, hasher)
    solve = SolveCaptcha(captchas, hasher, clock, test_answer="TEST-ANSWER")
    await solve("c-1", "TEST-ANSWER")

    with pytest.raises(InvalidCaptcha):
        await solve("c-1", "TEST-ANSWER")


async def test_an_empty_answer_never_solves_a_captcha(captchas, hasher, clock) -> None:
    await stored(captchas, hasher)

    with pytest.raises(InvalidCaptcha):
        await SolveCaptcha(captchas, hasher, clock, test_answer="")("c-1", "")
