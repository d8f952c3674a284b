"""An organisation of its own for the tests of what a consuming system sees, with its access manager."""

from collections.abc import Iterator

import httpx
import pytest

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import RunningSystem
from tests.e2e.access import Person, become_manager

# The SIRENE sample's one organisation no other test uses: a sole trader with one establishment.
LEFEVRE = ("000018101", "00001810100014")


@pytest.fixture(scope="session")
def manager(system: RunningSystem, mail_server: MailRecorder) -> Person:
    person = Person(system, mail_server, LEFEVRE[0])
    become_manager(system, person, LEFEVRE[1])
    return person


@pytest.fixture
def client(system: RunningSystem) -> Iterator[httpx.Client]:
    with system.client() as http:
        yield http
