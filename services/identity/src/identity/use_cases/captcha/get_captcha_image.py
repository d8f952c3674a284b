"""Return the image of a captcha that can still be answered."""

import base64
from collections.abc import Callable
from datetime import datetime, timedelta

from contracts.identity import CaptchaMediaV1, GetCaptchaImageV1
from efp_runtime.message_context import MessageContext
from identity.domain.captcha import CaptchaGone
from identity.use_cases.captcha.count_captcha_request import MEDIA_PER_IP, count_captcha_request
from identity.use_cases.captcha.ports import CaptchaRepository
from identity.use_cases.codes.ports import RateLimiter


class GetCaptchaImage:
    def __init__(
        self,
        captchas: CaptchaRepository,
        limiter: RateLimiter,
        clock: Callable[[], datetime],
        per_ip: tuple[int, timedelta] = MEDIA_PER_IP,
    ) -> None:
        self._captchas = captchas
        self._limiter = limiter
        self._clock = clock
        self._per_ip = per_ip

    async def __call__(self, request: GetCaptchaImageV1, context: MessageContext) -> CaptchaMediaV1:
        await count_captcha_request(self._limiter, "media", request.client_ip, self._per_ip)
        captcha = await self._captchas.get(request.captcha_id)
        if captcha is None or not captcha.is_open(self._clock()):
            raise CaptchaGone()
        return CaptchaMediaV1(media_type="image/png", content_base64=base64.b64encode(captcha.image_png).decode())
