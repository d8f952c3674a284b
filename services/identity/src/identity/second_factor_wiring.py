"""The second factor's use cases wired on the adapters (split from identity.composition to keep it readable)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from identity.use_cases.accounts.ports import AccountRepository
from identity.use_cases.codes.ports import RateLimiter, SecretHasher
from identity.use_cases.second_factor.check_second_factor import CheckSecondFactor
from identity.use_cases.second_factor.confirm_totp_enrolment import ConfirmTotpEnrolment
from identity.use_cases.second_factor.finish_passkey_registration import FinishPasskeyRegistration
from identity.use_cases.second_factor.get_second_factor_status import GetSecondFactorStatus
from identity.use_cases.second_factor.ports import PasskeyCeremonies, SecondFactorRepository, SecretBox
from identity.use_cases.second_factor.prove_second_factor import ProveSecondFactor
from identity.use_cases.second_factor.regenerate_recovery_codes import RegenerateRecoveryCodes
from identity.use_cases.second_factor.remove_passkey import RemovePasskey
from identity.use_cases.second_factor.remove_totp import RemoveTotp
from identity.use_cases.second_factor.start_passkey_registration import StartPasskeyRegistration
from identity.use_cases.second_factor.start_second_factor_challenge import StartSecondFactorChallenge
from identity.use_cases.second_factor.start_totp_enrolment import StartTotpEnrolment
from identity.use_cases.second_factor.wrong_code_budget import WrongCodeBudget
from identity.use_cases.sessions.ports import SessionRepository


@dataclass(frozen=True)
class SecondFactor:
    """The second factor's use cases: enrolment from « Mon compte », the login's second step, step-up."""

    get_second_factor_status: GetSecondFactorStatus
    start_totp_enrolment: StartTotpEnrolment
    confirm_totp_enrolment: ConfirmTotpEnrolment
    remove_totp: RemoveTotp
    start_passkey_registration: StartPasskeyRegistration
    finish_passkey_registration: FinishPasskeyRegistration
    remove_passkey: RemovePasskey
    regenerate_recovery_codes: RegenerateRecoveryCodes
    start_second_factor_challenge: StartSecondFactorChallenge
    prove_second_factor: ProveSecondFactor


@dataclass(frozen=True, kw_only=True)
class SecondFactorAdapters:
    sessions: SessionRepository
    accounts: AccountRepository
    factors: SecondFactorRepository
    box: SecretBox
    ceremonies: PasskeyCeremonies
    hasher: SecretHasher
    limiter: RateLimiter


def second_factor_use_cases(a: SecondFactorAdapters, clock: Callable[[], datetime]) -> SecondFactor:
    budget = WrongCodeBudget(a.limiter, a.sessions)
    check = CheckSecondFactor(a.sessions, a.factors, a.box, a.hasher, a.ceremonies)
    return SecondFactor(
        get_second_factor_status=GetSecondFactorStatus(a.sessions, a.factors, clock),
        start_totp_enrolment=StartTotpEnrolment(a.sessions, a.accounts, a.factors, a.box, clock),
        confirm_totp_enrolment=ConfirmTotpEnrolment(a.sessions, a.accounts, a.factors, a.box, a.hasher, budget, clock),
        remove_totp=RemoveTotp(a.sessions, a.accounts, a.factors, clock),
        start_passkey_registration=StartPasskeyRegistration(a.sessions, a.accounts, a.factors, a.ceremonies, clock),
        finish_passkey_registration=FinishPasskeyRegistration(
            a.sessions, a.accounts, a.factors, a.ceremonies, a.hasher, clock
        ),
        remove_passkey=RemovePasskey(a.sessions, a.accounts, a.factors, clock),
        regenerate_recovery_codes=RegenerateRecoveryCodes(a.sessions, a.accounts, a.factors, a.hasher, clock),
        start_second_factor_challenge=StartSecondFactorChallenge(a.sessions, a.factors, a.ceremonies, clock),
        prove_second_factor=ProveSecondFactor(a.sessions, a.accounts, a.factors, check, budget, clock),
    )
