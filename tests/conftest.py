"""Fixtures shared by the tests that run against the whole system."""

from collections.abc import Iterator

import httpx
import pytest

from devstack.pytest_plugin import RunningSystem


@pytest.fixture
def client(system: RunningSystem) -> Iterator[httpx.Client]:
    """A client of the gateway, with its own cookies."""
    with system.client() as http:
        yield http
