"""Fixtures shared by the tests that run against the whole system."""

from collections.abc import Iterator

import httpx
import pytest

from devstack.pytest_plugin import RunningSystem


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that move a service's clock by months or years run last: what they age (e-mail bodies erased,
    invitations expired) is the whole session's, and no later test should find it so."""
    items.sort(key=lambda item: item.get_closest_marker("clock_leap") is not None)


@pytest.fixture
def client(system: RunningSystem) -> Iterator[httpx.Client]:
    """A client of the gateway, with its own cookies."""
    with system.client() as http:
        yield http
