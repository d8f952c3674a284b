"""Ada logged in on the fakes, with helpers to enrol and prove second factors (the second factor's unit tests)."""

from datetime import timedelta

from contracts.accounts import LogInV1, SessionOpenedV1
from contracts.second_factor import ConfirmTotpEnrolmentV1, ProveSecondFactorV1, StartTotpEnrolmentV1
from efp_runtime.message_context import MessageContext
from identity.domain import totp
from identity.domain.session import Session, session_id_of
from identity.fakes.wired import Fakes

CONTEXT = MessageContext(message_id="m-2fa", correlation_id="corr-2fa")
PASSWORD = "Vélo-Rouge-Lac-42"  # noqa: S105 (a test password)
TOKEN = "full-session-token"  # noqa: S105 (a test session token)
CSRF = "csrf-of-the-session"


class LoggedIn(Fakes):
    """Ada's account; `full_session()` opens her a password-only session (token TOKEN, CSRF token CSRF)."""

    def __init__(self) -> None:
        super().__init__()
        self.identity = self.use_cases()
        self.factor = self.identity.second_factor
        self.logins = 0

    async def with_ada(self) -> None:
        await self.account(password_hash=f"hashed2:{PASSWORD}")

    async def full_session(self, token: str = TOKEN) -> str:
        """A full session of Ada opened now by a password alone (as before any factor)."""
        now = self.clock()
        await self.sessions.add(Session(session_id_of(token), "a-1", CSRF, now, now), [])
        return token

    def session(self, token: str) -> Session:
        return self.sessions.sessions[session_id_of(token)]

    def code(self, secret: str, steps: int = 0) -> str:
        """The authenticator app's code now (`steps` 30-s steps away)."""
        return totp.code_at(secret, int(self.clock().timestamp()) // 30 + steps)

    async def enrol_totp(self, token: str = TOKEN) -> tuple[str, list[str]]:
        """TOTP enrolled from `token`'s session: the secret and the recovery codes given."""
        started = await self.factor.start_totp_enrolment(StartTotpEnrolmentV1(session_token=token), CONTEXT)
        enrolled = await self.factor.confirm_totp_enrolment(
            ConfirmTotpEnrolmentV1(session_token=token, code=self.code(started.secret)), CONTEXT
        )
        return started.secret, enrolled.recovery_codes

    async def log_in(self) -> SessionOpenedV1:
        self.logins += 1
        captcha = await self.captcha(f"c-{self.logins}", "AC34DX")
        request = LogInV1(email="ada@example.fr", password=PASSWORD, captcha_id=captcha.id, captcha_answer="AC34DX")
        return await self.identity.log_in(request, CONTEXT)

    async def prove(self, opened: SessionOpenedV1 | str, method: str = "totp", **fields: str) -> SessionOpenedV1:
        token, csrf = (opened, CSRF) if isinstance(opened, str) else (opened.session_token, opened.csrf_token)
        request = ProveSecondFactorV1.model_validate(
            {"session_token": token, "csrf_token": csrf, "method": method, **fields}
        )
        return await self.factor.prove_second_factor(request, CONTEXT)

    def later(self, seconds: float) -> None:
        self.clock.advance(timedelta(seconds=seconds))
