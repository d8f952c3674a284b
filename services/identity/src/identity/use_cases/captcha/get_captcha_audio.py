"""Return the audio alternative of a captcha that can still be answered: its characters spoken."""

import base64
from collections.abc import Callable
from datetime import datetime

from contracts.identity import CaptchaMediaV1, GetCaptchaAudioV1
from efp_runtime.message_context import MessageContext
from identity.domain.captcha import CaptchaGone
from identity.use_cases.captcha.ports import CaptchaRepository, CaptchaVoice


class GetCaptchaAudio:
    def __init__(self, captchas: CaptchaRepository, voice: CaptchaVoice, clock: Callable[[], datetime]) -> None:
        self._captchas = captchas
        self._voice = voice
        self._clock = clock

    async def __call__(self, request: GetCaptchaAudioV1, context: MessageContext) -> CaptchaMediaV1:
        captcha = await self._captchas.get(request.captcha_id)
        if captcha is None or not captcha.is_open(self._clock()):
            raise CaptchaGone()
        # Spoken on each request, not stored: few people ask for it (see domain/captcha.py).
        audio = await self._voice.speak(captcha.text)
        return CaptchaMediaV1(media_type="audio/wav", content_base64=base64.b64encode(audio).decode())
