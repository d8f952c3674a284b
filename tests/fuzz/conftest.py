"""Fixtures of the fuzz tests: the fuzzer's accounts once per session, fresh sessions for each test."""

import pytest

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import RunningSystem
from tests.fuzz.callers import Accounts, Caller, make_callers, open_accounts


@pytest.fixture(scope="session")
def fuzz_accounts(system: RunningSystem, mail_server: MailRecorder) -> Accounts:
    return open_accounts(system, mail_server)


@pytest.fixture
def callers(system: RunningSystem, fuzz_accounts: Accounts) -> list[Caller]:
    return make_callers(system, fuzz_accounts)
