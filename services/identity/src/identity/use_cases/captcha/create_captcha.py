"""Create a captcha: a fresh random text, kept as a keyed hash, its image and (to speak it) itself."""

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from contracts.identity import CaptchaCreatedV1, CreateCaptchaV1
from efp_runtime.message_context import MessageContext, new_id
from identity.domain.captcha import ALPHABET, LENGTH, VALIDITY, Captcha
from identity.use_cases.captcha.count_captcha_request import CREATIONS_PER_IP, count_captcha_request
from identity.use_cases.captcha.ports import CaptchaRenderer, CaptchaRepository
from identity.use_cases.codes.ports import RateLimiter, SecretHasher


class CreateCaptcha:
    def __init__(
        self,
        captchas: CaptchaRepository,
        renderer: CaptchaRenderer,
        hasher: SecretHasher,
        limiter: RateLimiter,
        clock: Callable[[], datetime],
        per_ip: tuple[int, timedelta] = CREATIONS_PER_IP,
    ) -> None:
        self._captchas = captchas
        self._renderer = renderer
        self._hasher = hasher
        self._limiter = limiter
        self._clock = clock
        self._per_ip = per_ip

    async def __call__(self, request: CreateCaptchaV1, context: MessageContext) -> CaptchaCreatedV1:
        # Counted before drawing: a refused request costs a counter, not a picture.
        await count_captcha_request(self._limiter, "create", request.client_ip, self._per_ip)
        captcha_id = new_id()
        text = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
        captcha = Captcha(
            id=captcha_id,
            answer_hash=self._hasher.hash(captcha_id, text),
            # Drawn once here: every display of this captcha shows the same picture.
            image_png=await self._renderer.render_png(text),
            expires_at=self._clock() + VALIDITY,
            text=text,
        )
        await self._captchas.add(captcha)
        return CaptchaCreatedV1(captcha_id=captcha_id, expires_at=captcha.expires_at)
