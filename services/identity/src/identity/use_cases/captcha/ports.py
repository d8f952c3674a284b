"""The ports of the captcha use cases."""

from datetime import datetime
from typing import Protocol

from identity.domain.captcha import Captcha


class CaptchaRenderer(Protocol):
    async def render_png(self, text: str) -> bytes:
        """A PNG a person reads and a parser does not: pixels only, the text in no metadata.

        Drawn off the event loop: the drawing is CPU-bound and must not stall other requests.
        """
        ...


class CaptchaVoice(Protocol):
    async def speak(self, text: str) -> bytes:
        """The characters spoken in French, as WAV; raises AudioUnavailable if it cannot."""
        ...


class CaptchaRepository(Protocol):
    async def add(self, captcha: Captcha) -> None: ...

    async def get(self, captcha_id: str, *, with_audio: bool = False) -> Captcha | None:
        """The captcha; its `audio_wav` only when asked (hundreds of KB the image does not need)."""
        ...

    async def keep_audio(self, captcha_id: str, audio_wav: bytes) -> None:
        """Store its spoken version, unless it is used already or has one (the first one stays)."""
        ...

    async def use(self, captcha_id: str, at: datetime) -> Captcha | None:
        """Mark the captcha used (once only) and return it; None if unknown or already used."""
        ...
