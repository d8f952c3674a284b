"""Check a captcha answer. A captcha is used up by the first attempt, right or wrong."""

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from identity.domain.captcha import normalise_answer
from identity.domain.errors import InvalidCaptcha
from identity.use_cases.captcha.ports import CaptchaRepository
from identity.use_cases.codes.ports import SecretHasher


class AnsweredCaptcha(Protocol):
    """A request that carries a captcha and the answer typed (sign-up, login, password reset)."""

    @property
    def captcha_id(self) -> str: ...

    @property
    def captcha_answer(self) -> str: ...


class SolveCaptcha:
    def __init__(
        self,
        captchas: CaptchaRepository,
        hasher: SecretHasher,
        clock: Callable[[], datetime],
        test_answer: str | None,
    ) -> None:
        self._captchas = captchas
        self._hasher = hasher
        self._clock = clock
        # Set only by test configuration (EFP_CAPTCHA_TEST_ANSWER); production settings refuse it.
        # An empty value counts as unset, so an empty answer never solves a captcha.
        self._test_answer = test_answer or None

    async def __call__(self, request: AnsweredCaptcha) -> None:
        now = self._clock()
        answer = request.captcha_answer
        captcha = await self._captchas.use(request.captcha_id, now)
        if captcha is None:
            raise InvalidCaptcha(field="captcha_answer")
        if self._test_answer is not None and answer == self._test_answer and now < captcha.expires_at:
            return
        if not captcha.accepts(self._hasher.hash(captcha.id, normalise_answer(answer)), now):
            raise InvalidCaptcha(field="captcha_answer")
