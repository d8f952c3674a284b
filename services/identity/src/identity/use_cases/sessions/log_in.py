"""Login: e-mail + password + captcha → a new server-side session.

Unknown address and wrong password give the same error in the same time. Per-IP and
per-address limits answer 429 with the wait; after 5 failures in a row an address also
waits a little longer at each new failure (progressive delay).

Only attempts whose captcha was solved count against the address, so nobody locks a chosen
person out without solving captchas; and a browser holding a device cookie from an earlier
successful login to that address is counted on its own (domain.device_cookie), so the owner's
browser gets through while an attacker elsewhere keeps the address locked.

An account with a second factor gets a *pending* session (5 minutes, nothing but the second step:
use_cases/second_factor/prove_second_factor.py).
"""

import logging
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from contracts.accounts import LogInV1, SessionOpenedV1, SessionStartedV1
from efp_runtime.message_context import MessageContext
from efp_runtime.outbox import Outgoing
from identity.domain.device_cookie import device_token, trusted_device
from identity.domain.errors import InvalidCredentials, InvalidInput, RateLimited
from identity.domain.login_throttle import LoginFailures
from identity.domain.mailbox import normalise_email
from identity.domain.privacy import login_worth_recording
from identity.domain.session import Session, session_id_of
from identity.use_cases.accounts.ports import AccountRepository, PasswordHasher
from identity.use_cases.accounts.views import profile_of
from identity.use_cases.captcha.solve_captcha import SolveCaptcha
from identity.use_cases.codes.ports import RateLimiter, SecretHasher
from identity.use_cases.privacy.ports import AccountLifecycle
from identity.use_cases.second_factor.ports import SecondFactorRepository
from identity.use_cases.sessions.ports import LoginFailureLog, SessionRepository

PRODUCER = "identity"
# DOMAIN.md (ProConnect): 60 requests a minute per IP, 10 password attempts per 5 minutes per address.
PER_IP = (60, timedelta(minutes=1))
PER_ADDRESS = (10, timedelta(minutes=5))
logger = logging.getLogger(__name__)


class LogIn:
    def __init__(
        self,
        accounts: AccountRepository,
        sessions: SessionRepository,
        passwords: PasswordHasher,
        solve_captcha: SolveCaptcha,
        limiter: RateLimiter,
        failures: LoginFailureLog,
        hasher: SecretHasher,
        clock: Callable[[], datetime],
        second_factors: SecondFactorRepository,
        per_ip: tuple[int, timedelta] = PER_IP,
        per_address: tuple[int, timedelta] = PER_ADDRESS,
        activity: AccountLifecycle | None = None,
        activity_clock: Callable[[], datetime] | None = None,
    ) -> None:
        # The last login (inactive accounts, domain.privacy), on the sweep's clock (the shiftable one).
        self._activity = activity
        self._activity_clock = activity_clock or clock
        self._per_ip = per_ip
        self._per_address = per_address
        self._accounts = accounts
        self._sessions = sessions
        self._passwords = passwords
        self._solve_captcha = solve_captcha
        self._limiter = limiter
        self._failures = failures
        self._hasher = hasher
        self._clock = clock
        self._second_factors = second_factors

    async def __call__(self, request: LogInV1, context: MessageContext) -> SessionOpenedV1:
        password, client_ip = request.password, request.client_ip
        try:
            address = normalise_email(request.email)
        except InvalidInput:
            address = request.email.strip().lower()  # matches no account: the answer is the usual one
        if client_ip:
            await self._hit(f"login-ip:{client_ip}", self._per_ip)
        await self._solve_captcha(request)
        device = trusted_device(address, request.device_token, self._hasher.hash)
        # Failures are counted per trusted device, else per address (for every untrusted browser).
        counted_as = f"device:{device}" if device else address
        failures = await self._check_limits(counted_as)
        account = await self._accounts.by_email(address)
        if account is None or account.password_hash is None:
            await self._passwords.waste_time()
            await self._fail(counted_as)
        elif not await self._passwords.verify(account.password_hash, password):
            await self._fail(counted_as)
        # _fail() raised for every other case.
        assert account is not None
        assert account.password_hash is not None
        if failures is not None:
            await self._failures.clear(counted_as)
        now = self._clock()
        if self._passwords.needs_rehash(account.password_hash):
            account.password_hash = await self._passwords.hash(password)
            await self._accounts.update(account, [])
        if request.previous_session_token:
            # Session ids are regenerated at login: the browser's old one is closed.
            await self._sessions.revoke(session_id_of(request.previous_session_token), now)
        token = secrets.token_urlsafe(32)
        session = Session(
            id=session_id_of(token),
            account_id=account.id,
            csrf_token=secrets.token_urlsafe(24),
            created_at=now,
            last_seen_at=now,
            ip=client_ip,
            pending_second_factor=await self._second_factors.enrolled(account.id),
        )
        if self._activity is not None and login_worth_recording(account, self._activity_clock()):
            await self._activity.record_login(account.id, self._activity_clock())
        out = Outgoing(PRODUCER, context)
        out.event(SessionStartedV1(account_id=account.id, started_at=now, client_ip=client_ip))
        await self._sessions.add(session, out.messages)
        logger.info("account %s logged in", account.id)
        return SessionOpenedV1(
            session_token=token,
            csrf_token=session.csrf_token,
            expires_at=session.expires_at,
            account=profile_of(account),
            device_token=device_token(address, secrets.token_urlsafe(16), self._hasher.hash),
            second_factor_pending=session.pending_second_factor,
            amr=session.amr,
        )

    async def _hit(self, key: str, limit: tuple[int, timedelta]) -> None:
        retry_after = await self._limiter.hit(key, *limit)
        if retry_after is not None:
            raise RateLimited(retry_after_seconds=retry_after)

    async def _check_limits(self, counted_as: str) -> LoginFailures | None:
        await self._hit(f"login-address:{counted_as}", self._per_address)
        failures = await self._failures.get(counted_as)
        locked_until = failures.locked_until() if failures else None
        now = self._clock()
        if locked_until is not None and now < locked_until:
            raise RateLimited(
                "Trop d'échecs de connexion pour cet identifiant. Veuillez patienter avant de réessayer.",
                retry_after_seconds=int((locked_until - now).total_seconds()) + 1,
            )
        return failures

    async def _fail(self, counted_as: str) -> None:
        await self._failures.record(counted_as, self._clock())
        raise InvalidCredentials()
