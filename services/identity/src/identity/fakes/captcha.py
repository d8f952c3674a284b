"""An in-memory captcha store like the Mongo one, and a renderer and a voice that remember what they made."""

from dataclasses import replace
from datetime import datetime

from identity.domain.captcha import AudioUnavailable, Captcha


class FakeCaptchaRepository:
    def __init__(self) -> None:
        self.captchas: dict[str, Captcha] = {}

    async def add(self, captcha: Captcha) -> None:
        self.captchas[captcha.id] = replace(captcha)

    async def get(self, captcha_id: str) -> Captcha | None:
        captcha = self.captchas.get(captcha_id)
        return replace(captcha) if captcha else None

    async def use(self, captcha_id: str, at: datetime) -> Captcha | None:
        # Like the Mongo adapter: marks it used once, forgets its image and text, and returns
        # it as it was before.
        captcha = self.captchas.get(captcha_id)
        if captcha is None or captcha.used_at is not None:
            return None
        self.captchas[captcha_id] = replace(captcha, used_at=at, image_png=b"", text="")
        return replace(captcha)


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
