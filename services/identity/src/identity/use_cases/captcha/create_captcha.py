"""Create a captcha: a fresh random text, kept as a keyed hash, its image and (to speak it) itself."""

import secrets
from collections.abc import Callable
from datetime import datetime

from contracts.identity import CaptchaCreatedV1, CreateCaptchaV1
from efp_runtime.message_context import MessageContext, new_id
from identity.domain.captcha import ALPHABET, LENGTH, VALIDITY, Captcha
from identity.use_cases.captcha.ports import CaptchaRenderer, CaptchaRepository
from identity.use_cases.codes.ports import SecretHasher


class CreateCaptcha:
    def __init__(
        self,
        captchas: CaptchaRepository,
        renderer: CaptchaRenderer,
        hasher: SecretHasher,
        clock: Callable[[], datetime],
    ) -> None:
        self._captchas = captchas
        self._renderer = renderer
        self._hasher = hasher
        self._clock = clock

    async def __call__(self, request: CreateCaptchaV1, context: MessageContext) -> CaptchaCreatedV1:
        captcha_id = new_id()
        text = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
        captcha = Captcha(
            id=captcha_id,
            answer_hash=self._hasher.hash(captcha_id, text),
            # Drawn once here: every display of this captcha shows the same picture.
            image_png=self._renderer.render_png(text),
            expires_at=self._clock() + VALIDITY,
            text=text,
        )
        await self._captchas.add(captcha)
        return CaptchaCreatedV1(captcha_id=captcha_id, expires_at=captcha.expires_at)
