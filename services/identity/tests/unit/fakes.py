"""Hand-written fakes of the identity ports: a settable clock and in-memory repositories."""

import copy
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from efp_runtime.outbox import OutboxMessage
from identity.domain.captcha import Captcha
from identity.domain.errors import Conflict
from identity.domain.registration import Registration
from identity.use_cases.frontend_links import FrontendLinks

T0 = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
KEY = b"k" * 32
LINKS = FrontendLinks("https://efpconnect.example.fr/")


class FakeClock:
    """Returns the time the test sets; `advance` moves it forward."""

    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


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


class FakeRegistrationRepository:
    """Keeps what the Mongo adapter persists (no domain events) plus each save's outbox."""

    def __init__(self) -> None:
        self.registrations: dict[str, Registration] = {}
        self.outbox: list[OutboxMessage] = []
        self.gets = 0

    async def add(self, registration: Registration, messages: list[OutboxMessage]) -> None:
        registration.version = 1
        self.registrations[registration.id] = _persisted(registration)
        self.outbox.extend(messages)

    async def get(self, registration_id: str) -> Registration | None:
        self.gets += 1
        stored = self.registrations.get(registration_id)
        return copy.deepcopy(stored) if stored else None

    async def update(self, registration: Registration, messages: list[OutboxMessage]) -> None:
        stored = self.registrations.get(registration.id)
        if stored is None or stored.version != registration.version:
            raise Conflict()
        registration.version += 1
        self.registrations[registration.id] = _persisted(registration)
        self.outbox.extend(messages)


def _persisted(registration: Registration) -> Registration:
    return replace(copy.deepcopy(registration), events=[])
