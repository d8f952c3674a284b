"""What a captcha may cost: drawn off the event loop, spoken once whatever the requests, counted per address."""

import asyncio
import base64
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest

from contracts.identity import CreateCaptchaV1, GetCaptchaAudioV1, GetCaptchaImageV1
from efp_runtime.message_context import MessageContext
from identity.adapters.espeak_captcha_voice import EspeakCaptchaVoice
from identity.adapters.pillow_captcha_renderer import PillowCaptchaRenderer
from identity.composition import Identity
from identity.domain.captcha import VALIDITY, AudioUnavailable, Captcha
from identity.domain.errors import RateLimited
from identity.fakes import T0, Fakes

CONTEXT = MessageContext(message_id="m-1", correlation_id="corr-1")
ALICE, BOB = "203.0.113.7", "203.0.113.8"


@pytest.fixture
def fakes() -> Fakes:
    return Fakes()


@pytest.fixture
async def identity(fakes: Fakes) -> Identity:
    await fakes.captchas.add(Captcha("c-1", fakes.hasher.hash("c-1", "AC34DX"), b"png", T0 + VALIDITY, text="AC34DX"))
    return fakes.use_cases()


async def audio(identity: Identity, client_ip: str | None = None) -> bytes:
    spoken = await identity.get_captcha_audio(GetCaptchaAudioV1(captcha_id="c-1", client_ip=client_ip), CONTEXT)
    return base64.b64decode(spoken.content_base64)


async def until_speaking(fakes: Fakes) -> None:
    """Let the event loop run until a speech has started (the voice holds it while `open` is clear)."""
    for _ in range(100):
        if fakes.voice.said:
            return
        await asyncio.sleep(0)
    raise AssertionError("no speech started")


# --- drawn off the event loop --------------------------------------------------------


async def test_drawing_a_captcha_leaves_the_event_loop_free(monkeypatch) -> None:
    renderer = PillowCaptchaRenderer()
    release = threading.Event()

    def held_drawing(text: str) -> bytes:
        release.wait(timeout=5)
        return b"png"

    monkeypatch.setattr(renderer, "draw_png", held_drawing)
    drawing = asyncio.create_task(renderer.render_png("AC34DX"))
    # On the loop, the held drawing would block here for 5 s and be done when the loop came back.
    await asyncio.sleep(0.05)
    assert not drawing.done()

    release.set()
    assert await drawing == b"png"
    renderer.close()


async def test_the_real_drawing_off_the_loop_is_a_png() -> None:
    renderer = PillowCaptchaRenderer()

    assert (await renderer.render_png("AC34DX")).startswith(b"\x89PNG")
    renderer.close()


# --- spoken once ---------------------------------------------------------------------


async def test_a_captcha_is_spoken_once_and_its_recording_played_again(fakes, identity) -> None:
    first = await audio(identity)

    assert await audio(identity) == first == b"RIFF AC34DX #1"
    assert fakes.voice.said == ["AC34DX"]
    assert fakes.captchas.captchas["c-1"].audio_wav == first


async def test_requests_arriving_during_the_speech_wait_for_it_instead_of_speaking_again(fakes, identity) -> None:
    fakes.voice.open.clear()
    first = asyncio.create_task(audio(identity))
    await until_speaking(fakes)
    others = [asyncio.create_task(audio(identity)) for _ in range(5)]
    await asyncio.sleep(0)

    fakes.voice.open.set()

    assert set(await asyncio.gather(first, *others)) == {b"RIFF AC34DX #1"}
    assert fakes.voice.said == ["AC34DX"]


async def test_a_request_that_gives_up_does_not_stop_the_speech_others_wait_for(fakes, identity) -> None:
    fakes.voice.open.clear()
    impatient = asyncio.create_task(audio(identity))
    await until_speaking(fakes)
    patient = asyncio.create_task(audio(identity))
    await asyncio.sleep(0)

    impatient.cancel()
    fakes.voice.open.set()

    assert await patient == b"RIFF AC34DX #1"
    assert fakes.captchas.captchas["c-1"].audio_wav == b"RIFF AC34DX #1"


async def test_a_failed_speech_is_refused_to_every_waiter_and_tried_again_later(fakes, identity) -> None:
    fakes.voice.available = False
    fakes.voice.open.clear()
    waiting = [asyncio.create_task(audio(identity)) for _ in range(3)]
    await until_speaking(fakes)
    fakes.voice.open.set()

    answers = await asyncio.gather(*waiting, return_exceptions=True)

    assert all(isinstance(answer, AudioUnavailable) for answer in answers)
    assert fakes.captchas.captchas["c-1"].audio_wav is None
    fakes.voice.available = True
    assert await audio(identity) == b"RIFF AC34DX #2"
    assert len(fakes.voice.said) == 2


async def test_using_the_captcha_forgets_its_recording(fakes, identity) -> None:
    await audio(identity)

    await fakes.captchas.use("c-1", T0)

    assert fakes.captchas.captchas["c-1"].audio_wav is None


async def test_the_image_is_read_without_the_recording(fakes, identity) -> None:
    await audio(identity)

    captcha = await fakes.captchas.get("c-1")

    assert captcha is not None
    assert captcha.audio_wav is None


async def test_a_flood_of_speeches_queues_for_a_few_engines_instead_of_forking_one_each(tmp_path: Path) -> None:
    (tmp_path / "espeak-ng.running").mkdir()
    # Each engine notes how many are running with it, stays a moment, then answers a WAV.
    engine = tmp_path / "espeak-ng"
    body = """
import os, sys, time
running, seen = sys.argv[0] + ".running", sys.argv[0] + ".seen"
me = os.path.join(running, str(os.getpid()))
open(me, "w").close()
with open(seen, "a") as log:
    log.write(str(len(os.listdir(running))) + "\\n")
time.sleep(0.2)
os.remove(me)
sys.stdin.read()
sys.stdout.buffer.write(b"RIFF\\xff\\xff\\xff\\x7fWAVEdata\\xff\\xff\\xff\\x7f")
"""
    engine.write_text(f"#!{sys.executable}\n{body}")
    engine.chmod(0o755)
    voice = EspeakCaptchaVoice(executable=str(engine), max_running=2)

    spoken = await asyncio.gather(*(voice.speak("AC34DX") for _ in range(6)), return_exceptions=True)

    assert all(isinstance(audio, bytes) and audio.startswith(b"RIFF") for audio in spoken), spoken
    seen = [int(line) for line in (tmp_path / "espeak-ng.seen").read_text().split()]
    assert len(seen) == 6
    assert max(seen) <= 2


# --- counted per address -------------------------------------------------------------


async def test_captchas_made_past_the_address_budget_are_refused_with_the_wait(fakes) -> None:
    identity = fakes.use_cases(captcha_creations_per_ip=(2, timedelta(minutes=1)))
    for _ in range(2):
        await identity.create_captcha(CreateCaptchaV1(client_ip=ALICE), CONTEXT)

    with pytest.raises(RateLimited) as refused:
        await identity.create_captcha(CreateCaptchaV1(client_ip=ALICE), CONTEXT)

    assert refused.value.retry_after_seconds == 42
    assert "codes de sécurité" in refused.value.detail
    assert len(fakes.renderer.texts) == 2  # the refused one was never drawn
    await identity.create_captcha(CreateCaptchaV1(client_ip=BOB), CONTEXT)


async def test_a_request_without_an_address_is_not_counted(fakes) -> None:
    identity = fakes.use_cases(captcha_creations_per_ip=(1, timedelta(minutes=1)))

    for _ in range(3):
        await identity.create_captcha(CreateCaptchaV1(), CONTEXT)

    assert fakes.limiter.hits == {}


async def test_images_and_recordings_share_the_address_media_budget(fakes) -> None:
    await fakes.captchas.add(Captcha("c-1", fakes.hasher.hash("c-1", "AC34DX"), b"png", T0 + VALIDITY, text="AC34DX"))
    identity = fakes.use_cases(captcha_media_per_ip=(2, timedelta(minutes=1)))
    await identity.get_captcha_image(GetCaptchaImageV1(captcha_id="c-1", client_ip=ALICE), CONTEXT)
    await audio(identity, ALICE)

    with pytest.raises(RateLimited):
        await identity.get_captcha_image(GetCaptchaImageV1(captcha_id="c-1", client_ip=ALICE), CONTEXT)
    with pytest.raises(RateLimited):
        await audio(identity, ALICE)

    assert await audio(identity, BOB) == b"RIFF AC34DX #1"
    assert fakes.voice.said == ["AC34DX"]
