"""The ports the identity use cases need; adapters implement them."""

from datetime import datetime
from typing import Protocol

from efp_runtime.outbox import OutboxMessage
from identity.domain.captcha import Captcha
from identity.domain.registration import Registration


class SecretHasher(Protocol):
    """Keyed one-way hash for short secrets (codes, captcha answers), scoped per aggregate."""

    def hash(self, scope: str, secret: str) -> str: ...


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


class RegistrationRepository(Protocol):
    async def add(self, registration: Registration, messages: list[OutboxMessage]) -> None: ...

    async def get(self, registration_id: str) -> Registration | None: ...

    async def update(self, registration: Registration, messages: list[OutboxMessage]) -> None:
        """Save if nobody saved it since it was read (version check), else raise Conflict."""
        ...
