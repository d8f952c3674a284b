"""The access manager of the organisation of the tests of what a consuming system sees."""

import pytest

from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import RunningSystem
from tests.e2e.access import Person, new_manager
from tests.examples.lefevre import LEFEVRE


@pytest.fixture(scope="session")
def manager(system: RunningSystem, mail_server: MailRecorder) -> Person:
    person = new_manager(system, mail_server, LEFEVRE[0], LEFEVRE[1])
    return person
