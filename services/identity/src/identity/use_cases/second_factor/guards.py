"""The checks every second-factor request starts with: whose session, and is its second factor fresh."""

from datetime import datetime

from identity.domain.account import Account
from identity.domain.errors import CsrfFailed, StepUpRequired, Unauthenticated
from identity.domain.second_factor import SecondFactors, canonical_recovery_code, new_recovery_codes, recovery_scope
from identity.domain.session import Session, session_id_of
from identity.use_cases.accounts.ports import AccountRepository
from identity.use_cases.codes.ports import SecretHasher
from identity.use_cases.sessions.ports import SessionRepository


async def active_session(sessions: SessionRepository, token: str, now: datetime) -> Session:
    """The full session of « Mon compte » (a pending one is refused, as AuthenticateSession does)."""
    session = await sessions.get(session_id_of(token))
    if session is None or not session.active(now):
        raise Unauthenticated()
    return session


async def proving_session(sessions: SessionRepository, token: str, csrf_token: str, now: datetime) -> Session:
    """A pending or full session proving its second factor: identity checks its CSRF token, since the
    gateway cannot read a pending session."""
    session = await sessions.get(session_id_of(token))
    if session is None or not session.alive(now):
        raise Unauthenticated()
    if not session.csrf_matches(csrf_token):
        raise CsrfFailed()
    return session


async def account_of(accounts: AccountRepository, session: Session) -> Account:
    """The session's account (the address its security notices go to)."""
    account = await accounts.get(session.account_id)
    if account is None:
        raise Unauthenticated()
    return account


def require_step_up(session: Session, factors: SecondFactors, now: datetime) -> None:
    """Changing the factors of an account that has one needs that factor proved in the last 15 minutes:
    a stolen session alone must not swap the second factor for the thief's."""
    if factors.enrolled and not session.second_factor_fresh(now):
        raise StepUpRequired()


def issue_recovery_codes(factors: SecondFactors, hasher: SecretHasher) -> list[str]:
    """Ten new codes replace the old ones on `factors` (as keyed hashes); the codes in clear, to show once."""
    codes = new_recovery_codes()
    scope = recovery_scope(factors.account_id)
    factors.replace_recovery_codes([hasher.hash(scope, canonical_recovery_code(code)) for code in codes])
    return codes
