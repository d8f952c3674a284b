"""Issue 14, finding 1: behind a proxy every person shared the proxy's address, so a few dozen junk logins
a minute gave everyone 429. The gateway believes X-Forwarded-For only from GATEWAY_FORWARDED_ALLOW_IPS
and identity keys the per-IP login budget on the address it is given: each person behind a trusted proxy
has a budget of their own, and an untrusted peer cannot pick a fresh address with a header.

The session's gateway trusts 127.0.0.1 (its default), so the tests' own connections play the trusted
proxy. For the untrusted peer this module starts a second gateway process that trusts only an address
this machine does not have, and connects to it from 127.0.0.1: the least invasive way to have a peer
outside forwarded_allow_ips, since the session's gateway listens on 127.0.0.1 only; the peer connects
from 127.0.0.2, an address no other test logs in from. Identity runs with a
per-IP budget of a few logins a minute for the module (the session gives it 100,000: every test browser
logs in from 127.0.0.1), and is restarted with the session's settings afterwards.
"""

import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from devstack.processes import free_port, spawn
from devstack.pytest_plugin import CAPTCHA_TEST_ANSWER, RunningSystem
from devstack.system import wait_ready
from tests.e2e.journeys import new_captcha, unique_email

pytestmark = [pytest.mark.e2e, pytest.mark.security]
PER_IP = 3  # IDENTITY_LOGIN_PER_IP_PER_MINUTE while this module runs
NOT_US = "198.51.100.1"  # TEST-NET-2: the only proxy the second gateway believes
PEER = "127.0.0.2"  # the untrusted peer's own address
WRONG_PASSWORD = "Pas-le-bon-mot-de-passe-2026"


def restart_identity(system: RunningSystem, extra_env: dict[str, str] | None) -> None:
    system.kill("identity")
    system.start("identity", extra_env)
    system.wait_ready()


@pytest.fixture(scope="module")
def tight_login_budget(system: RunningSystem) -> Iterator[None]:
    restart_identity(system, {"IDENTITY_LOGIN_PER_IP_PER_MINUTE": str(PER_IP)})
    try:
        yield
    finally:
        restart_identity(system, None)


@pytest.fixture(scope="module")
def untrusting_gateway(system: RunningSystem, tight_login_budget: None) -> Iterator[str]:
    """The base URL of a second gateway that believes X-Forwarded-For from NOT_US only."""
    port = free_port()
    env = {
        **system.env,
        **system.own_env.get("gateway", {}),
        "GATEWAY_PORT": str(port),
        "GATEWAY_FORWARDED_ALLOW_IPS": NOT_US,
    }
    child = system.stack.add(spawn("gateway-untrusting", [sys.executable, "-m", "gateway"], system.log_dir, env))
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, {"gateway-untrusting": child})
        yield url
    finally:
        child.stop()


def fresh_window() -> None:
    """Identity counts logins in fixed one-minute windows: a test starts with enough of its window left
    for all its attempts, so no count is reset half-way (a wait for the set-up, not an assertion)."""
    left = 60 - time.time() % 60
    if left < 25:
        time.sleep(left + 0.5)


def attempt(http: httpx.Client, forwarded_for: str | None) -> int:
    """One login with a solved captcha and an unknown address (so no per-account limit is involved)."""
    body = {
        "email": unique_email(),
        "password": WRONG_PASSWORD,
        "captcha_id": new_captcha(http),
        "captcha_answer": CAPTCHA_TEST_ANSWER,
    }
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return http.post("/api/v1/session", json=body, headers=headers).status_code


def test_behind_a_trusted_proxy_each_person_s_address_has_its_own_login_budget(
    system: RunningSystem, tight_login_budget: None
) -> None:
    fresh_window()
    with system.client() as proxy:
        spent = [attempt(proxy, "203.0.113.10") for _ in range(PER_IP + 1)]
        someone_else = attempt(proxy, "203.0.113.11")
        still_spent = attempt(proxy, "203.0.113.10")

    assert spent == [401] * PER_IP + [429]
    assert someone_else == 401  # served: wrong password, not 429
    assert still_spent == 429  # the same window: the first address's budget was not reset meanwhile


def test_an_untrusted_peer_s_forwarded_address_is_ignored_and_it_is_keyed_on_its_own(
    system: RunningSystem, untrusting_gateway: str
) -> None:
    fresh_window()
    # The peer connects from 127.0.0.2 (loopback too): 127.0.0.1's budget is every other test's.
    own = httpx.HTTPTransport(local_address=PEER)
    with httpx.Client(base_url=untrusting_gateway, timeout=15, transport=own) as peer:
        spent = [attempt(peer, "203.0.113.20") for _ in range(PER_IP + 1)]
        new_header = attempt(peer, "203.0.113.21")
    with system.client() as trusted:
        peer_s_own_address = attempt(trusted, PEER)  # the peer's address, told by the trusted proxy
        forwarded_there = attempt(trusted, "203.0.113.21")

    assert spent == [401] * PER_IP + [429]
    assert new_header == 429  # a fresh X-Forwarded-For buys nothing from a peer that is not trusted
    assert peer_s_own_address == 429  # the attempts were counted on the peer's own address
    assert forwarded_there == 401  # and not on 203.0.113.21, whose budget is whole
