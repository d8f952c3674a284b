"""Deleting accounts (on request, for inactivity) wired on the adapters (split from identity.composition)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from identity.domain.frontend_links import FrontendLinks
from identity.domain.privacy import InactivityRules
from identity.use_cases.accounts.ports import AccountRepository, PasswordHasher
from identity.use_cases.codes.ports import RateLimiter
from identity.use_cases.privacy.delete_account import DeleteAccount
from identity.use_cases.privacy.erase_account import EraseAccount, FinishErasures
from identity.use_cases.privacy.ports import AccountLifecycle, DeletionBlockers, PersonalTraces
from identity.use_cases.privacy.sweep_inactive_accounts import SweepInactiveAccounts
from identity.use_cases.second_factor.ports import SecondFactorRepository
from identity.use_cases.sessions.ports import SessionRepository


@dataclass(frozen=True)
class Privacy:
    delete_account: DeleteAccount
    # The sweeps (main.py): tombstones left unerased by a crash; accounts without a login for years.
    finish_erasures: FinishErasures
    sweep_inactive_accounts: SweepInactiveAccounts


class PrivacyAdapters(Protocol):
    """What the deletion needs of identity.composition's Adapters (which it is, structurally)."""

    @property
    def sessions(self) -> SessionRepository: ...
    @property
    def accounts(self) -> AccountRepository: ...
    @property
    def passwords(self) -> PasswordHasher: ...
    @property
    def limiter(self) -> RateLimiter: ...
    @property
    def second_factors(self) -> SecondFactorRepository: ...
    @property
    def blockers(self) -> DeletionBlockers: ...
    @property
    def lifecycle(self) -> AccountLifecycle: ...
    @property
    def traces(self) -> PersonalTraces: ...


def privacy_use_cases(
    a: PrivacyAdapters, clock: Callable[[], datetime], links: FrontendLinks, rules: InactivityRules
) -> Privacy:
    """`clock`: the shiftable one (the step-up's freshness is judged by it, tests drive the sweeps with it)."""
    erase = EraseAccount(a.sessions, a.lifecycle, a.traces)
    return Privacy(
        delete_account=DeleteAccount(
            a.sessions, a.accounts, a.passwords, a.limiter, a.second_factors, a.blockers, erase, clock
        ),
        finish_erasures=FinishErasures(a.lifecycle, erase, clock),
        sweep_inactive_accounts=SweepInactiveAccounts(a.accounts, a.lifecycle, a.blockers, erase, links, clock, rules),
    )
