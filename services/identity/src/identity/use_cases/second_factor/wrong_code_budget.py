"""The budgets of wrong second-factor codes: 5 per pending session (then it is closed), 10 per account per
15 minutes (then 429). Only wrong codes count: checked before a code is tried, counted when it fails."""

from datetime import datetime, timedelta

from identity.domain.errors import RateLimited, Unauthenticated, WrongSecondFactor
from identity.domain.session import PENDING_WRONG_CODES, Session
from identity.use_cases.codes.ports import RateLimiter
from identity.use_cases.sessions.ports import SessionRepository

PER_ACCOUNT = (10, timedelta(minutes=15))
PENDING_CLOSED = "Trop de codes incorrects ont été saisis. Veuillez vous identifier à nouveau."
TOO_MANY = "Trop de codes incorrects ont été saisis. Veuillez réessayer plus tard."


class WrongCodeBudget:
    def __init__(
        self, limiter: RateLimiter, sessions: SessionRepository, per_account: tuple[int, timedelta] = PER_ACCOUNT
    ) -> None:
        self._limiter = limiter
        self._sessions = sessions
        self._per_account = per_account

    async def check(self, account_id: str) -> None:
        retry_after = await self._limiter.exhausted(self._key(account_id), *self._per_account)
        if retry_after is not None:
            raise RateLimited(TOO_MANY, retry_after_seconds=retry_after)

    async def wrong(self, account_id: str, session: Session | None, now: datetime, refusal: WrongSecondFactor) -> None:
        """Count the failure and raise: `refusal`, or the closing of the pending session, or 429."""
        if session is not None:
            count = await self._sessions.count_wrong_code(session.id)
            if session.pending_second_factor and count >= PENDING_WRONG_CODES:
                await self._sessions.revoke(session.id, now)
                await self._limiter.hit(self._key(account_id), *self._per_account)
                raise Unauthenticated(PENDING_CLOSED)
        retry_after = await self._limiter.hit(self._key(account_id), *self._per_account)
        if retry_after is not None:
            raise RateLimited(TOO_MANY, retry_after_seconds=retry_after)
        raise refusal

    @staticmethod
    def _key(account_id: str) -> str:
        return f"second-factor-wrong:{account_id}"
