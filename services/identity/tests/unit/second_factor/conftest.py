"""Every second-factor test starts with Ada logged in by her password (a full session, no factor yet)."""

import pytest

from identity.fakes.logged_in import LoggedIn


@pytest.fixture
async def world() -> LoggedIn:
    world = LoggedIn()
    await world.with_ada()
    await world.full_session()
    return world
