"""The caps on e-mails sent to one address (ProConnect's figures: 5 codes per 15 minutes), one per
purpose: sign-up attempts sent to a person's address must not stop their password reset."""

from datetime import timedelta

from identity.domain.errors import RateLimited
from identity.use_cases.codes.ports import RateLimiter

CODE_SENDS_PER_WINDOW = 5
CODE_SEND_WINDOW = timedelta(minutes=15)


async def count_code_send(limiter: RateLimiter, purpose: str, email: str) -> None:
    """Count one code e-mail to `email` for `purpose`; raise RateLimited past the cap."""
    retry_after = await limiter.hit(f"code-send:{purpose}:{email}", CODE_SENDS_PER_WINDOW, CODE_SEND_WINDOW)
    if retry_after is not None:
        raise RateLimited(
            "Trop de codes ont été envoyés à cette adresse. Veuillez réessayer dans quelques minutes.",
            retry_after_seconds=retry_after,
        )
