"""The person's own data (issue 15): change of address and identity's part of the export, wired on the
adapters (split from identity.composition to keep it readable)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from identity.use_cases.accounts.ports import AccountRepository, PasswordHasher
from identity.use_cases.codes.ports import RateLimiter, SecretHasher, WrongCodeLog
from identity.use_cases.email_change.forget_expired_email_changes import ForgetExpiredEmailChanges
from identity.use_cases.email_change.start_email_change import StartEmailChange
from identity.use_cases.email_change.verify_email_change import VerifyEmailChange
from identity.use_cases.export.export_identity_data import ExportIdentityData
from identity.use_cases.export.ports import SessionHistory
from identity.use_cases.oidc.ports import OidcClientRepository
from identity.use_cases.second_factor.ports import SecondFactorRepository
from identity.use_cases.sessions.ports import SessionRepository


@dataclass(frozen=True)
class MyData:
    """« Modifier mon adresse e-mail » and « Télécharger mes données »."""

    start_email_change: StartEmailChange
    verify_email_change: VerifyEmailChange
    export_identity_data: ExportIdentityData
    # A sweep, not a request: expired changes leave the accounts.
    forget_expired_email_changes: ForgetExpiredEmailChanges


@dataclass(frozen=True, kw_only=True)
class MyDataAdapters:
    accounts: AccountRepository
    sessions: SessionRepository
    session_history: SessionHistory
    passwords: PasswordHasher
    hasher: SecretHasher
    limiter: RateLimiter
    wrong_codes: WrongCodeLog
    factors: SecondFactorRepository
    clients: OidcClientRepository


def my_data_use_cases(
    a: MyDataAdapters, shared_mailboxes: tuple[str, ...], resend_cooldown: timedelta, clock: Callable[[], datetime]
) -> MyData:
    """`resend_cooldown`: sign-up's (IDENTITY_RESEND_COOLDOWN_SECONDS), also between two change codes."""
    start = StartEmailChange(
        a.accounts, a.sessions, a.passwords, a.hasher, a.limiter, a.wrong_codes, shared_mailboxes, clock,
        cooldown=resend_cooldown,
    )  # fmt: skip
    return MyData(
        start_email_change=start,
        verify_email_change=VerifyEmailChange(a.accounts, a.sessions, a.hasher, a.wrong_codes, clock),
        export_identity_data=ExportIdentityData(a.accounts, a.sessions, a.session_history, a.factors, a.clients, clock),
        forget_expired_email_changes=ForgetExpiredEmailChanges(a.accounts, clock),
    )
