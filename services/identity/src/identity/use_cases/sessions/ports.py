"""The ports of login, logout and session look-up."""

from datetime import datetime
from typing import Protocol

from efp_runtime.outbox import OutboxMessage
from identity.domain.login_throttle import LoginFailures
from identity.domain.session import Session


class SessionRepository(Protocol):
    async def add(self, session: Session, messages: list[OutboxMessage]) -> None: ...

    async def get(self, session_id: str) -> Session | None: ...

    async def touch(self, session_id: str, at: datetime) -> None: ...

    async def revoke(self, session_id: str, at: datetime) -> None: ...

    async def revoke_all(self, account_id: str, at: datetime) -> int: ...

    async def revoke_others(self, account_id: str, keep_session_id: str, at: datetime) -> int:
        """Close every open session of the account but `keep_session_id`; how many were closed."""
        ...


class LoginFailureLog(Protocol):
    async def get(self, email: str) -> LoginFailures | None: ...

    async def record(self, email: str, at: datetime) -> LoginFailures: ...

    async def clear(self, email: str) -> None: ...
