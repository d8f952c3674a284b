"""Captcha: a short single-use challenge shown as an image or spoken, proving a person is typing."""

import hmac
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from contracts.errors import ErrorCode
from identity.domain.errors import IdentityError, NotFound

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: letters a person reads the same way every time.
ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
LENGTH = 6
VALIDITY = timedelta(minutes=10)


@dataclass
class Captcha:
    """The answer is checked only against `answer_hash`; `text` exists only to speak it.

    The audio alternative is rarely asked for, so it is spoken on first demand rather than for
    every captcha (some 600 KB of WAV each), then kept in `audio_wav`: a flood of requests for one
    captcha speaks it once, and every replica plays the same recording. Speaking needs the
    characters; keeping them in the clear exposes nothing the stored PNG does not already show
    to whoever can read the store; all live 10 minutes at most (TTL index) and the repository
    drops them as soon as the captcha is used. Encrypting them would add a key to manage for no gain.
    """

    id: str
    answer_hash: str
    image_png: bytes = field(repr=False)
    expires_at: datetime
    used_at: datetime | None = None
    # Empty once the captcha is used: the store forgets it then (see above).
    text: str = field(default="", repr=False, kw_only=True)
    # Spoken on first demand (see above); None until then, and again once used.
    audio_wav: bytes | None = field(default=None, repr=False, kw_only=True)

    def is_open(self, now: datetime) -> bool:
        """Still worth showing or hearing: not used yet and not expired."""
        return self.used_at is None and now < self.expires_at

    def accepts(self, answer_hash: str, now: datetime) -> bool:
        return self.is_open(now) and hmac.compare_digest(answer_hash, self.answer_hash)


def normalise_answer(answer: str) -> str:
    """People type in any case and add spaces; the image has neither."""
    return "".join(answer.split()).upper()


class CaptchaGone(NotFound):
    detail = "Ce code de sécurité a expiré. Veuillez en demander un nouveau."


class AudioUnavailable(IdentityError):
    """The speech engine is missing, failed or is too slow; the image still works."""

    code = ErrorCode.AUDIO_UNAVAILABLE
    detail = (
        "La version audio du code de sécurité est momentanément indisponible. "
        "Veuillez utiliser l'image ou réessayer dans quelques instants."
    )
