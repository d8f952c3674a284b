"""Session: a server-side login, revocable, with an absolute and an idle lifetime."""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

# ASVS 4.0.3 V3.3.2 (level 2): a used session still ends 12 hours after its login.
ABSOLUTE_LIFETIME = timedelta(hours=12)
IDLE_TIMEOUT = timedelta(minutes=30)
# Seen-at is saved at most this often: an authenticated request is then usually a read.
TOUCH_INTERVAL = timedelta(seconds=60)


@dataclass
class Session:
    # The SHA-256 of the cookie's token: a copy of the database opens no session.
    id: str
    account_id: str
    csrf_token: str
    created_at: datetime
    last_seen_at: datetime
    ip: str | None = None
    revoked_at: datetime | None = None

    @property
    def expires_at(self) -> datetime:
        return self.created_at + ABSOLUTE_LIFETIME

    def active(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at and now < self.last_seen_at + IDLE_TIMEOUT

    def needs_touch(self, now: datetime) -> bool:
        return now >= self.last_seen_at + TOUCH_INTERVAL


def session_id_of(token: str) -> str:
    """The stored id of the session a cookie's token opens."""
    return hashlib.sha256(token.encode()).hexdigest()
