"""Fixtures for the pages tests."""

from collections.abc import Iterator

import httpx
import pytest

from devstack.pytest_plugin import RunningSystem


@pytest.fixture
def browser_like(system: RunningSystem) -> Iterator[httpx.Client]:
    """A client that keeps cookies and sends Origin on posts, as a browser does."""
    with httpx.Client(base_url=system.web_url, timeout=15, headers={"Origin": system.web_url}) as client:
        yield client
