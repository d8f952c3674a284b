"""Return the audio alternative of a captcha that can still be answered: its characters spoken, once.

Each captcha is spoken at most once per replica, whatever the number of requests: the first request
starts the speech, the others asking meanwhile wait for it, and the recording is stored with the
captcha, so later requests (on any replica) only read it. Two replicas asked at the same instant may
each speak it once; the first recording stored is the one kept.
"""

import asyncio
import base64
from collections.abc import Callable
from datetime import datetime, timedelta

from contracts.identity import CaptchaMediaV1, GetCaptchaAudioV1
from efp_runtime.message_context import MessageContext
from identity.domain.captcha import Captcha, CaptchaGone
from identity.use_cases.captcha.count_captcha_request import MEDIA_PER_IP, count_captcha_request
from identity.use_cases.captcha.ports import CaptchaRepository, CaptchaVoice
from identity.use_cases.codes.ports import RateLimiter


class GetCaptchaAudio:
    def __init__(
        self,
        captchas: CaptchaRepository,
        voice: CaptchaVoice,
        limiter: RateLimiter,
        clock: Callable[[], datetime],
        per_ip: tuple[int, timedelta] = MEDIA_PER_IP,
    ) -> None:
        self._captchas = captchas
        self._voice = voice
        self._limiter = limiter
        self._clock = clock
        self._per_ip = per_ip
        # The speeches under way in this process, by captcha id (gone once stored).
        self._speaking: dict[str, asyncio.Task[bytes]] = {}

    async def __call__(self, request: GetCaptchaAudioV1, context: MessageContext) -> CaptchaMediaV1:
        await count_captcha_request(self._limiter, "media", request.client_ip, self._per_ip)
        captcha = await self._captchas.get(request.captcha_id, with_audio=True)
        if captcha is None or not captcha.is_open(self._clock()):
            raise CaptchaGone()
        audio = captcha.audio_wav or await self._spoken(captcha)
        return CaptchaMediaV1(media_type="audio/wav", content_base64=base64.b64encode(audio).decode())

    async def _spoken(self, captcha: Captcha) -> bytes:
        task = self._speaking.get(captcha.id)
        if task is None:
            task = asyncio.create_task(self._speak_and_keep(captcha))
            self._speaking[captcha.id] = task
            task.add_done_callback(self._forget)
        # Shielded: a caller that gives up must not cancel the speech the others are waiting for.
        return await asyncio.shield(task)

    def _forget(self, task: asyncio.Task[bytes]) -> None:
        self._speaking = {key: other for key, other in self._speaking.items() if other is not task}
        # Read here, so a failure nobody waited for any more (the voice logged it) is not reported again.
        if not task.cancelled():
            task.exception()

    async def _speak_and_keep(self, captcha: Captcha) -> bytes:
        # Read again: a speech that ended while this request was reading the captcha has stored it.
        latest = await self._captchas.get(captcha.id, with_audio=True)
        if latest is not None and latest.audio_wav:
            return latest.audio_wav
        audio = await self._voice.speak(captcha.text)
        await self._captchas.keep_audio(captcha.id, audio)
        return audio
