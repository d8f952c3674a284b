"""The ports of login, logout and session look-up."""

from datetime import datetime
from typing import Protocol

from efp_runtime.outbox import OutboxMessage
from identity.domain.login_throttle import LoginFailures
from identity.domain.session import Challenge, Session


class SessionRepository(Protocol):
    async def add(self, session: Session, messages: list[OutboxMessage]) -> None: ...

    async def get(self, session_id: str) -> Session | None: ...

    async def touch(self, session_id: str, at: datetime) -> None: ...

    async def revoke(self, session_id: str, at: datetime) -> None: ...

    async def revoke_all(self, account_id: str, at: datetime) -> int: ...

    async def revoke_others(self, account_id: str, keep_session_id: str, at: datetime) -> int:
        """Close every open session of the account but `keep_session_id`; how many were closed."""
        ...

    async def replace(self, old_session_id: str, new: Session, at: datetime) -> bool:
        """Revoke the old session and add `new`, only if the old one was still open (one conditional
        write first): of two concurrent second steps on one pending session, one gets a new session."""
        ...

    async def prove_second_factor(self, session_id: str, amr: list[str], at: datetime) -> None:
        """The session itself proved a factor (one just enrolled): its amr and second_factor_at change."""
        ...

    async def keep_challenge(self, session_id: str, challenge: Challenge) -> None: ...

    async def take_challenge(self, session_id: str) -> Challenge | None:
        """The session's WebAuthn challenge, removed in the same write: each is used once."""
        ...

    async def count_wrong_code(self, session_id: str) -> int:
        """One more wrong second-factor code on the session; how many now."""
        ...


class LoginFailureLog(Protocol):
    async def get(self, email: str) -> LoginFailures | None: ...

    async def record(self, email: str, at: datetime) -> LoginFailures: ...

    async def clear(self, email: str) -> None: ...
