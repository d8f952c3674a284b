"""Return the image of a captcha that can still be answered."""

from collections.abc import Callable
from datetime import datetime

from contracts.identity import CaptchaImageV1
from identity.domain.errors import NotFound
from identity.use_cases.ports import CaptchaRepository


class GetCaptchaImage:
    def __init__(self, captchas: CaptchaRepository, clock: Callable[[], datetime]) -> None:
        self._captchas = captchas
        self._clock = clock

    async def __call__(self, captcha_id: str) -> CaptchaImageV1:
        captcha = await self._captchas.get(captcha_id)
        if captcha is None or captcha.used_at is not None or captcha.expires_at <= self._clock():
            raise NotFound("Ce code de sécurité a expiré. Veuillez en demander un nouveau.")
        return CaptchaImageV1(media_type="image/svg+xml", content=captcha.image_svg)
