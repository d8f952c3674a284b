"""Fixtures for the pages tests."""

from collections.abc import Iterator

import httpx
import pytest

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import RunningSystem
from tests.e2e.journeys import PASSWORD, create_account, unique_email
from tests.pages.browsing import Account, web_browser


@pytest.fixture
def browser_like(system: RunningSystem) -> Iterator[httpx.Client]:
    """A client that keeps cookies and sends Origin on posts, as a browser does."""
    with web_browser(system) as client:
        yield client


@pytest.fixture
def account(system: RunningSystem, mail_server: MailRecorder) -> Account:
    """A fresh account of its own: logins and failures counted per e-mail (10 per 5 minutes, lockout
    after 5 failures) must not add up on an account the rest of the suite shares, like the agent's."""
    email = unique_email()
    with system.client() as gateway:
        account_id = create_account(gateway, mail_server, email)
    return Account(email, PASSWORD, account_id)
