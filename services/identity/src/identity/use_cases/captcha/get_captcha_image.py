"""Return the image of a captcha that can still be answered."""

import base64
from collections.abc import Callable
from datetime import datetime

from contracts.identity import CaptchaMediaV1, GetCaptchaImageV1
from efp_runtime.message_context import MessageContext
from identity.domain.captcha import CaptchaGone
from identity.use_cases.captcha.ports import CaptchaRepository


class GetCaptchaImage:
    def __init__(self, captchas: CaptchaRepository, clock: Callable[[], datetime]) -> None:
        self._captchas = captchas
        self._clock = clock

    async def __call__(self, request: GetCaptchaImageV1, context: MessageContext) -> CaptchaMediaV1:
        captcha = await self._captchas.get(request.captcha_id)
        if captcha is None or not captcha.is_open(self._clock()):
            raise CaptchaGone()
        return CaptchaMediaV1(media_type="image/png", content_base64=base64.b64encode(captcha.image_png).decode())
