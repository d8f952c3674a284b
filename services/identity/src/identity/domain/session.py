"""Session: a server-side login, revocable, with an absolute and an idle lifetime.

With a second factor enrolled, a login is two steps: the password opens a *pending* session that
lives 5 minutes and opens nothing but the second step, which replaces it by a full session
(`amr` and `second_factor_at` say what it proved). `active` is the full session only, so every
use case reading a session refuses a pending one unless it asks `alive` on purpose.
"""

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import datetime, timedelta

# ASVS 4.0.3 V3.3.2 (level 2): a used session still ends 12 hours after its login.
ABSOLUTE_LIFETIME = timedelta(hours=12)
IDLE_TIMEOUT = timedelta(minutes=30)
# Seen-at is saved at most this often: an authenticated request is then usually a read.
TOUCH_INTERVAL = timedelta(seconds=60)
# The second step must follow the password quickly; a WebAuthn challenge lives as long.
PENDING_LIFETIME = timedelta(minutes=5)
CHALLENGE_LIFETIME = timedelta(minutes=5)
# Wrong second-factor codes a pending session takes before it is closed (log in again).
PENDING_WRONG_CODES = 5
# Step-up: the gravest acts need a second factor proved this recently (contracts' STEP_UP_MAX_AGE_SECONDS).
STEP_UP_MAX_AGE = timedelta(minutes=15)
# RFC 8176 values, as contracts.second_factor spells them (the domain imports no contract).
AMR_PASSWORD = "pwd"  # noqa: S105 (an amr value, not a secret)
AMR_OTP = "otp"
AMR_HARDWARE_KEY = "hwk"
AMR_MULTIPLE = "mfa"
SECOND_FACTOR_AMR = frozenset({AMR_OTP, AMR_HARDWARE_KEY})


@dataclass(frozen=True)
class Challenge:
    """A WebAuthn challenge kept server side until it is used once or expires."""

    value: bytes
    expires_at: datetime

    def valid(self, now: datetime) -> bool:
        return now < self.expires_at


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
    pending_second_factor: bool = False
    amr: list[str] = field(default_factory=lambda: [AMR_PASSWORD])
    second_factor_at: datetime | None = None
    # The passkey request challenge of the second step or a step-up (StartSecondFactorChallenge).
    challenge: Challenge | None = None
    # Wrong second-factor codes typed on this session (a pending one closes at PENDING_WRONG_CODES).
    wrong_codes: int = 0
    # The first session of this login, when a second step or a step-up replaced it: relying parties
    # know the login by it (`sid`), so it stays the same across the replacements.
    sso_id: str | None = None
    # The session that replaced this one (a relying party's access token follows it).
    replaced_by: str | None = None

    @property
    def sso_session_id(self) -> str:
        return self.sso_id or self.id

    @property
    def expires_at(self) -> datetime:
        return self.created_at + (PENDING_LIFETIME if self.pending_second_factor else ABSOLUTE_LIFETIME)

    def alive(self, now: datetime) -> bool:
        """Not revoked nor expired: a full session, or a pending one waiting for its second step."""
        return self.revoked_at is None and now < self.expires_at and now < self.last_seen_at + IDLE_TIMEOUT

    def active(self, now: datetime) -> bool:
        """A full session: what every request but the second step needs."""
        return self.alive(now) and not self.pending_second_factor

    def needs_touch(self, now: datetime) -> bool:
        return now >= self.last_seen_at + TOUCH_INTERVAL

    def ends_at(self, seen_at: datetime) -> datetime:
        """When it ends unless used again, if last seen at `seen_at`: the earlier of its idle and absolute ends."""
        return min(self.expires_at, seen_at + IDLE_TIMEOUT)

    @property
    def proved_second_factor(self) -> bool:
        return bool(SECOND_FACTOR_AMR.intersection(self.amr))

    def second_factor_fresh(self, now: datetime) -> bool:
        """Step-up: a second factor proved on this session in the last 15 minutes."""
        return self.second_factor_at is not None and now - self.second_factor_at <= STEP_UP_MAX_AGE

    def csrf_matches(self, token: str) -> bool:
        return hmac.compare_digest(self.csrf_token.encode(), token.encode())

    def successor(self, new_id: str, csrf_token: str, method_amr: str, now: datetime) -> "Session":
        """The full session replacing this one once a second factor is proved (new ids: privileges changed).

        `created_at` is the password step's, so the absolute lifetime still counts from the login.
        """
        return Session(
            id=new_id,
            account_id=self.account_id,
            csrf_token=csrf_token,
            created_at=self.created_at,
            last_seen_at=now,
            ip=self.ip,
            amr=with_second_factor(self.amr, method_amr),
            second_factor_at=now,
            sso_id=self.sso_session_id,
        )


def with_second_factor(amr: list[str], method_amr: str) -> list[str]:
    """`amr` once `method_amr` ("otp" or "hwk") is proved: each value once, "mfa" last."""
    values = [v for v in amr if v != AMR_MULTIPLE]
    if method_amr not in values:
        values.append(method_amr)
    return [*values, AMR_MULTIPLE]


def session_id_of(token: str) -> str:
    """The stored id of the session a cookie's token opens."""
    return hashlib.sha256(token.encode()).hexdigest()
