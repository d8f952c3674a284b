"""Per-address caps on captchas made and shown: each costs a drawing or a speech, and asks no login.

Counted on the address the gateway saw (it believes X-Forwarded-For only from its own proxies); a
request without one (an older caller, an operator tool) is not counted.
"""

from datetime import timedelta

from identity.domain.errors import RateLimited
from identity.use_cases.codes.ports import RateLimiter

# A person needs a few captchas a minute at most, a page showing one fetches its image and maybe its audio.
CREATIONS_PER_IP = (30, timedelta(minutes=1))
MEDIA_PER_IP = (120, timedelta(minutes=1))
TOO_MANY = "Trop de codes de sécurité ont été demandés depuis votre connexion. Veuillez patienter avant de réessayer."


async def count_captcha_request(
    limiter: RateLimiter, purpose: str, client_ip: str | None, limit: tuple[int, timedelta]
) -> None:
    """Count one request for `purpose` ("create" or "media") from `client_ip`; RateLimited past the cap."""
    if not client_ip:
        return
    retry_after = await limiter.hit(f"captcha-{purpose}-ip:{client_ip}", *limit)
    if retry_after is not None:
        raise RateLimited(TOO_MANY, retry_after_seconds=retry_after)
