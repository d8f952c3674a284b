"""The gateway keeps identity's answer for a session cookie a few seconds (GATEWAY_SESSION_CACHE_SECONDS, 15 s)
and still never serves a closed session: closed through this gateway, it is refused at once; closed
elsewhere (another replica, identity's own sweeps), as soon as identity's `identity.session.changed.v1`
reaches this replica, long before the answer would have expired."""

import asyncio
import contextlib
import time
from collections.abc import Iterator

import httpx
import pytest

from contracts.accounts import LogOutV1
from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import RunningSystem
from efp_runtime.polling import eventually_sync
from efp_runtime.rpc import RpcClient
from tests.e2e.journeys import create_account, log_in, unique_email

pytestmark = pytest.mark.e2e
CACHE_SECONDS = 15


@pytest.fixture
def email(client: httpx.Client, mail_server: MailRecorder) -> str:
    email = unique_email()
    create_account(client, mail_server, email)
    return email


@contextlib.contextmanager
def _browser(system: RunningSystem, email: str) -> Iterator[httpx.Client]:
    with system.client() as browser:
        opened = log_in(browser, email)
        assert opened.status_code == 200, opened.text
        browser.headers["X-CSRF-Token"] = opened.json()["csrf_token"]
        # Twice: the first asks identity, the second is served from the gateway's copy.
        assert [browser.get("/api/v1/me").status_code for _ in range(2)] == [200, 200]
        yield browser


def test_sessions_closed_through_this_gateway_are_refused_at_once(system: RunningSystem, email: str) -> None:
    with _browser(system, email) as kept, _browser(system, email) as other, _browser(system, email) as last:
        closed = kept.delete("/api/v1/session/others")
        assert closed.status_code == 200, closed.text
        assert closed.json()["closed"] == 2

        assert other.get("/api/v1/me").status_code == 401
        assert last.get("/api/v1/me").status_code == 401
        assert kept.get("/api/v1/me").status_code == 200
        assert kept.delete("/api/v1/session").status_code == 204
        assert kept.get("/api/v1/me").status_code == 401


def test_a_session_closed_behind_this_gateways_back_is_refused_once_identity_announces_it(
    system: RunningSystem, email: str
) -> None:
    if not system.broker_users:
        pytest.skip("the broker given by AMQP_URL would not let this session create users")
    with _browser(system, email) as browser:
        token = browser.cookies["efp_session"]

        # What another replica of the gateway does on a logout: this one is not asked.
        asyncio.run(_log_out_directly(system.broker_users["gateway"], token))
        closed_at = time.monotonic()

        refused = eventually_sync(
            lambda: browser.get("/api/v1/me").status_code, lambda status: status == 401, within=CACHE_SECONDS
        )
        assert refused == 401
        assert time.monotonic() - closed_at < CACHE_SECONDS / 3, "refused only once the copy expired"


async def _log_out_directly(gateway_url: str, token: str) -> None:
    client = RpcClient(gateway_url, "another-gateway", 5)
    await client.connect()
    try:
        await client.call("identity", LogOutV1(session_token=token))
    finally:
        await client.close()
