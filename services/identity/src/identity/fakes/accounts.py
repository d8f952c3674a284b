"""Hand-written fakes of the account, session, password-reset and rate-limit ports."""

import copy
from datetime import datetime, timedelta

from efp_runtime.outbox import OutboxMessage
from identity.domain.account import Account
from identity.domain.errors import AccountExists, Conflict
from identity.domain.login_throttle import LoginFailures
from identity.domain.password_reset import OPEN_STATES, PasswordReset
from identity.domain.session import Challenge, Session


class FakeAccountRepository:
    def __init__(self) -> None:
        self.accounts: dict[str, Account] = {}
        self.outbox: list[OutboxMessage] = []

    async def add(self, account: Account, messages: list[OutboxMessage]) -> None:
        if any(a.email == account.email for a in self.accounts.values()):
            raise AccountExists()
        account.version = 1
        self.accounts[account.id] = _stored(account)
        self.outbox.extend(messages)

    async def get(self, account_id: str) -> Account | None:
        account = self.accounts.get(account_id)
        return _stored(account) if account else None

    async def by_email(self, email: str) -> Account | None:
        return next((_stored(a) for a in self.accounts.values() if a.email == email), None)

    async def by_registration(self, registration_id: str) -> Account | None:
        return next((_stored(a) for a in self.accounts.values() if a.registration_id == registration_id), None)

    async def update(self, account: Account, messages: list[OutboxMessage]) -> None:
        if self.accounts[account.id].version != account.version:
            raise Conflict()
        # The unique index on the address: a changed address another account has is refused.
        if any(a.email == account.email and a.id != account.id for a in self.accounts.values()):
            raise AccountExists()
        account.version += 1
        self.accounts[account.id] = _stored(account)
        self.outbox.extend(messages)

    async def forget_expired_email_changes(self, now: datetime) -> int:
        expired = [
            a for a in self.accounts.values() if a.pending_email_change and a.pending_email_change.expires_at <= now
        ]
        for account in expired:
            account.pending_email_change = None
            account.version += 1
        return len(expired)


def _stored(account: Account) -> Account:
    stored = copy.deepcopy(account)
    stored.events.clear()  # like the database: events are not stored
    return stored


class FakePasswordHasher:
    """Reversible on purpose (tests only): `hashed:<password>`; `rounds` marks old parameters."""

    def __init__(self, rounds: int = 2) -> None:
        self.rounds = rounds
        self.wasted = 0

    async def hash(self, password: str) -> str:
        return f"hashed{self.rounds}:{password}"

    async def verify(self, password_hash: str, password: str) -> bool:
        return password_hash.split(":", 1)[1] == password

    def needs_rehash(self, password_hash: str) -> bool:
        return not password_hash.startswith(f"hashed{self.rounds}:")

    async def waste_time(self) -> None:
        self.wasted += 1


class FakeRateLimiter:
    """Counts hits per key over all time; past the limit it asks for 42 s of wait."""

    def __init__(self) -> None:
        self.hits: dict[str, int] = {}

    async def hit(self, key: str, limit: int, window: timedelta) -> int | None:
        self.hits[key] = self.hits.get(key, 0) + 1
        return 42 if self.hits[key] > limit else None

    async def exhausted(self, key: str, limit: int, window: timedelta) -> int | None:
        return 42 if self.hits.get(key, 0) >= limit else None


class FakeSessionRepository:
    def __init__(self) -> None:
        self.sessions: dict[str, Session] = {}
        self.outbox: list[OutboxMessage] = []

    async def add(self, session: Session, messages: list[OutboxMessage]) -> None:
        self.sessions[session.id] = copy.deepcopy(session)
        self.outbox.extend(messages)

    async def get(self, session_id: str) -> Session | None:
        session = self.sessions.get(session_id)
        return copy.deepcopy(session) if session else None

    async def touch(self, session_id: str, at: datetime) -> None:
        self.sessions[session_id].last_seen_at = at

    async def revoke(self, session_id: str, at: datetime) -> None:
        if session_id in self.sessions and self.sessions[session_id].revoked_at is None:
            self.sessions[session_id].revoked_at = at

    async def revoke_all(self, account_id: str, at: datetime) -> int:
        open_ones = [s for s in self.sessions.values() if s.account_id == account_id and s.revoked_at is None]
        for session in open_ones:
            session.revoked_at = at
        return len(open_ones)

    async def revoke_others(self, account_id: str, keep_session_id: str, at: datetime) -> int:
        others = [
            s
            for s in self.sessions.values()
            if s.account_id == account_id and s.revoked_at is None and s.id != keep_session_id
        ]
        for session in others:
            session.revoked_at = at
        return len(others)

    async def replace(self, old_session_id: str, new: Session, at: datetime) -> bool:
        old = self.sessions.get(old_session_id)
        if old is None or old.revoked_at is not None:
            return False
        old.revoked_at, old.replaced_by, old.challenge = at, new.id, None
        self.sessions[new.id] = copy.deepcopy(new)
        return True

    async def prove_second_factor(self, session_id: str, amr: list[str], at: datetime) -> None:
        self.sessions[session_id].amr = list(amr)
        self.sessions[session_id].second_factor_at = at

    async def keep_challenge(self, session_id: str, challenge: Challenge) -> None:
        self.sessions[session_id].challenge = challenge

    async def take_challenge(self, session_id: str) -> Challenge | None:
        session = self.sessions.get(session_id)
        if session is None:
            return None
        challenge, session.challenge = session.challenge, None
        return challenge

    async def count_wrong_code(self, session_id: str) -> int:
        self.sessions[session_id].wrong_codes += 1
        return self.sessions[session_id].wrong_codes


class FakeLoginFailureLog:
    def __init__(self) -> None:
        self.failures: dict[str, LoginFailures] = {}

    async def get(self, email: str) -> LoginFailures | None:
        return self.failures.get(email)

    async def record(self, email: str, at: datetime) -> LoginFailures:
        previous = self.failures.get(email)
        self.failures[email] = LoginFailures((previous.count if previous else 0) + 1, at)
        return self.failures[email]

    async def clear(self, email: str) -> None:
        self.failures.pop(email, None)


class FakePasswordResetRepository:
    def __init__(self) -> None:
        self.resets: dict[str, PasswordReset] = {}
        self.outbox: list[OutboxMessage] = []

    async def add(self, reset: PasswordReset, messages: list[OutboxMessage]) -> None:
        reset.version = 1
        self.resets[reset.id] = _stored_reset(reset)
        self.outbox.extend(messages)

    async def get(self, reset_id: str) -> PasswordReset | None:
        reset = self.resets.get(reset_id)
        return _stored_reset(reset) if reset else None

    async def update(self, reset: PasswordReset, messages: list[OutboxMessage]) -> None:
        if self.resets[reset.id].version != reset.version:
            raise Conflict()
        reset.version += 1
        self.resets[reset.id] = _stored_reset(reset)
        self.outbox.extend(messages)

    async def open_of(self, email: str) -> list[PasswordReset]:
        return [_stored_reset(r) for r in self.resets.values() if r.email == email and r.state in OPEN_STATES]


def _stored_reset(reset: PasswordReset) -> PasswordReset:
    stored = copy.deepcopy(reset)
    stored.events.clear()
    return stored


class RecordingPasswordHasher(FakePasswordHasher):
    """A FakePasswordHasher that remembers every password it was asked to hash."""

    def __init__(self, rounds: int = 2) -> None:
        super().__init__(rounds)
        self.hashed: list[str] = []

    async def hash(self, password: str) -> str:
        self.hashed.append(password)
        return await super().hash(password)


class FakeCommonPasswords:
    """The common-password list reduced to `common` (lower case, as the real list compares)."""

    def __init__(self, *common: str) -> None:
        self.common = set(common or ("motdepasse2024!",))

    def __call__(self, password: str) -> bool:
        return password.lower() in self.common
