"""The ports of the captcha use cases."""

from datetime import datetime
from typing import Protocol

from identity.domain.captcha import Captcha


class CaptchaRenderer(Protocol):
    def render_png(self, text: str) -> bytes:
        """A PNG a person reads and a parser does not: pixels only, the text in no metadata."""
        ...


class CaptchaVoice(Protocol):
    async def speak(self, text: str) -> bytes:
        """The characters spoken in French, as WAV; raises AudioUnavailable if it cannot."""
        ...


class CaptchaRepository(Protocol):
    async def add(self, captcha: Captcha) -> None: ...

    async def get(self, captcha_id: str) -> Captcha | None: ...

    async def use(self, captcha_id: str, at: datetime) -> Captcha | None:
        """Mark the captcha used (once only) and return it; None if unknown or already used."""
        ...
