"""An in-memory captcha store like the Mongo one, and a renderer and a voice that remember what they made."""

import asyncio
from dataclasses import replace
from datetime import datetime

from identity.domain.captcha import AudioUnavailable, Captcha


class FakeCaptchaRepository:
    def __init__(self) -> None:
        self.captchas: dict[str, Captcha] = {}

    async def add(self, captcha: Captcha) -> None:
        self.captchas[captcha.id] = replace(captcha)

    async def get(self, captcha_id: str, *, with_audio: bool = False) -> Captcha | None:
        captcha = self.captchas.get(captcha_id)
        if captcha is None:
            return None
        return replace(captcha) if with_audio else replace(captcha, audio_wav=None)

    async def keep_audio(self, captcha_id: str, audio_wav: bytes) -> None:
        # Like the Mongo adapter: never on a used captcha, never over the first recording.
        captcha = self.captchas.get(captcha_id)
        if captcha is not None and captcha.used_at is None and captcha.audio_wav is None:
            self.captchas[captcha_id] = replace(captcha, audio_wav=audio_wav)

    async def use(self, captcha_id: str, at: datetime) -> Captcha | None:
        # Like the Mongo adapter: marks it used once, forgets its image and text, and returns
        # it as it was before.
        captcha = self.captchas.get(captcha_id)
        if captcha is None or captcha.used_at is not None:
            return None
        self.captchas[captcha_id] = replace(captcha, used_at=at, image_png=b"", text="", audio_wav=None)
        return replace(captcha, audio_wav=None)


class RecordingRenderer:
    """Remembers the text it was asked to draw, so a test knows the right answer."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    async def render_png(self, text: str) -> bytes:
        self.texts.append(text)
        return f"png-{len(self.texts)}".encode()


class RecordingVoice:
    """Remembers what it was asked to say (each speech numbered); fails like espeak-ng when told to.

    A test clears `open` to hold every speech until it sets it again (requests arriving meanwhile).
    """

    def __init__(self, available: bool = True) -> None:
        self.said: list[str] = []
        self.available = available
        self.open = asyncio.Event()
        self.open.set()

    async def speak(self, text: str) -> bytes:
        self.said.append(text)
        await self.open.wait()
        if not self.available:
            raise AudioUnavailable()
        return f"RIFF {text} #{len(self.said)}".encode()
