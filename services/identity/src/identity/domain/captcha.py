"""Captcha: a short single-use challenge shown as an image, proving a person is typing."""

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: letters a person reads the same way every time.
ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
LENGTH = 6
VALIDITY = timedelta(minutes=10)


@dataclass
class Captcha:
    id: str
    answer_hash: str
    image_svg: str
    expires_at: datetime
    used_at: datetime | None = None

    def accepts(self, answer_hash: str, now: datetime) -> bool:
        return self.used_at is None and now < self.expires_at and hmac.compare_digest(answer_hash, self.answer_hash)


def normalise_answer(answer: str) -> str:
    """People type in any case and add spaces; the image has neither."""
    return "".join(answer.split()).upper()
