"""Fixtures of the OpenID Connect tests: the provider's discovery document, Mistral's access manager (logged
in once on EFP Connect), a fresh browser, and the test client's back-channel logout receiver."""

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import RunningSystem
from tests.e2e.access import Person, new_manager
from tests.oidc.people import MISTRAL, logged_in
from tests.oidc.relying_party import LogoutReceiver
from tests.pages.browsing import web_browser


@pytest.fixture(scope="session")
def discovery(system: RunningSystem) -> dict[str, Any]:
    answer = httpx.get(f"{system.web_url}/.well-known/openid-configuration")
    assert answer.status_code == 200
    return answer.json()  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def manager(system: RunningSystem, mail_server: MailRecorder) -> Person:
    """An access manager of Mistral: an active CERES habilitation, so access to the test client."""
    person = new_manager(system, mail_server, MISTRAL[0], MISTRAL[1])
    return person


@pytest.fixture(scope="session")
def manager_browser(system: RunningSystem, manager: Person) -> Iterator[httpx.Client]:
    """The manager logged in once on EFP Connect, for the tests that only sign in (see `collaborator`)."""
    with web_browser(system) as client:
        yield logged_in(client, manager.email)


@pytest.fixture
def browser(system: RunningSystem) -> Iterator[httpx.Client]:
    """Cookies kept and Origin sent, as a browser does; redirects read, not followed."""
    with web_browser(system) as client:
        yield client


@pytest.fixture(scope="session")
def logout_receiver(system: RunningSystem) -> Iterator[LogoutReceiver]:
    receiver = LogoutReceiver(system.backchannel_port)
    try:
        yield receiver
    finally:
        receiver.close()
