"""Fixtures for journeys through the gateway."""

from collections.abc import Iterator

import httpx
import pytest

from devstack.pytest_plugin import RunningSystem


@pytest.fixture
def client(system: RunningSystem) -> Iterator[httpx.Client]:
    with system.client() as http:
        yield http
