"""Pytest fixtures that start the real infrastructure once per session, on free ports in a temp dir.

RabbitMQ (Debian's package) and SecantusDB start only if a test asks for them; AMQP_URL
and MONGODB_URL in the environment point the tests at servers started elsewhere instead,
and EFP_TEST_INFRA=containers starts them in Docker with testcontainers where an engine exists.
EFP_BROKER_NODES=3 makes the session's broker a three-node cluster (devstack.rabbit_cluster), whose
every node's address the services get; the fault suite sets it.
SMTP is always this session's own recording server, since tests read what it received.
Everything started is stopped at the end of the session, whatever happened.
"""

import json
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from devstack.broker_users import management_url_of, provision_users
from devstack.mail_recorder import MailRecorder
from devstack.processes import Child, Stack, free_port
from devstack.rabbit_cluster import RabbitCluster, start_cluster_into
from devstack.rabbitmq import RabbitNode
from devstack.store_users import provision_store_users
from devstack.system import (
    SERVICES,
    Endpoints,
    StoreNode,
    load_sirene_sample,
    metrics_urls,
    process_envs,
    service_env,
    start_rabbitmq,
    start_service,
    start_store,
    wait_ready,
    wait_web,
    web_env,
)

CAPTCHA_TEST_ANSWER = "TEST-ANSWER"
AGENT_EMAIL = "agent.dgefp@travail.gouv.fr"
AGENT_PASSWORD = "Agent-Test-Pa55word!"  # noqa: S105 (the test session's throwaway agent)
SERVICE_API_KEY = "test-service-key-0123456789abcdef"  # the key other ministry systems would use in tests
# Relying parties registered at start-up (EFP_OIDC_DEV_CLIENTS). The test client's redirect URIs are
# never fetched: tests read the Location header, or intercept them in the browser.
OIDC_TEST_CLIENT: dict[str, Any] = {
    "client_id": "test-rp",
    "client_secret": "test-rp-secret-0123456789abcdefghijklmnop",
    "name": "Application de test",
    "service": "ceres",
    "redirect_uris": ["http://rp.test/callback"],
    "post_logout_redirect_uris": ["http://rp.test/logged-out"],
}
OIDC_CERES_CLIENT: dict[str, Any] = {
    "client_id": "ceres-example",
    "client_secret": "ceres-example-secret-0123456789abcdefghij",
    "name": "CERES",
    "service": "ceres",
}


def pytest_configure(config: pytest.Config) -> None:
    # A CI timeout or `kill` sends SIGTERM: turn it into an interrupt so the session's
    # fixtures still stop the broker, the store and the services they started.
    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


@dataclass
class Infrastructure:
    amqp_url: str
    # The store's administrator (root when this session started SecantusDB): for the tests' own
    # checks and the operators' commands; each service gets its own user (RunningSystem.store_users).
    mongodb_url: str
    state_dir: Path
    # The node, or with EFP_BROKER_NODES=3 the cluster, this session started (None when AMQP_URL or
    # containers provide the broker); a cluster's amqp_url lists every node.
    rabbit: RabbitNode | RabbitCluster | None = None
    # The store this session started (None when MONGODB_URL or containers provide it).
    store: StoreNode | None = None
    # Databases are per session, so a shared server (MONGODB_URL) keeps runs apart.
    database_prefix: str = field(default_factory=lambda: f"t{uuid.uuid4().hex[:8]}_")


@dataclass
class RunningSystem:
    """The four services as separate processes, and the gateway's base URL."""

    infrastructure: Infrastructure
    gateway_url: str
    web_url: str
    # What every process gets; `own_env` adds, per process, its broker user and metrics port.
    env: dict[str, str]
    children: dict[str, Child]
    stack: Stack
    log_dir: Path
    own_env: dict[str, dict[str, str]] = field(default_factory=dict)
    # Broker user name -> its AMQP URL (identity, habilitation, notification, gateway, operator);
    # empty when the broker would not let this session create users (then all use AMQP_URL).
    broker_users: dict[str, str] = field(default_factory=dict)
    # Process name -> its MONGODB_URL, as a user with readWrite on its own database only (the
    # gateway's has no user); empty when the store would not let this session create users.
    store_users: dict[str, str] = field(default_factory=dict)
    # Service name -> its Prometheus endpoint.
    metrics_urls: dict[str, str] = field(default_factory=dict)
    # Free ports reserved for a test's back-channel logout receiver and for the CERES example app,
    # whose URIs the dev clients registered (OIDC_TEST_CLIENT, OIDC_CERES_CLIENT).
    backchannel_port: int = 0
    ceres_port: int = 0

    def kill(self, name: str) -> None:
        """kill -9: the process gets no chance to finish or acknowledge anything."""
        self.children[name].kill()

    def start(self, name: str, extra_env: dict[str, str] | None = None) -> None:
        """Start (or restart) a service; `extra_env` adds settings for this process only."""
        env = {**self.env, **self.own_env.get(name, {}), **(extra_env or {})}
        self.children[name] = start_service(self.stack, name, env, self.log_dir)

    def wait_exit(self, name: str, timeout: float = 30) -> int:
        """Wait for a service to exit by itself (a fail point); returns its exit code."""
        return self.children[name].process.wait(timeout)

    def wait_ready(self, timeout: float = 60) -> None:
        wait_ready(self.gateway_url, self.children, timeout)

    def logs(self) -> str:
        return "\n".join(path.read_text(errors="replace") for path in sorted(self.log_dir.glob("*.log")))

    def shift_clock(self, seconds: float) -> None:
        """Move the services' clock (those that read it) forward by `seconds` from real time."""
        path = self.infrastructure.state_dir / "clock-offset"
        path.write_text(str(seconds))

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.gateway_url, timeout=15)

    def operate(
        self, *args: str, stdin: str | None = None, extra_env: dict[str, str] | None = None
    ) -> tuple[int, list[dict[str, Any]]]:
        """Run the operators' command line (`python -m efp_ops ARGS`) with the services' environment,
        as an operator would; its exit code (0 done, 1 not done) and its JSON lines, parsed."""
        done = subprocess.run(
            [sys.executable, "-m", "efp_ops", *args],
            env={**os.environ, **self.env, **(extra_env or {})},
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode in (0, 1), f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
        return done.returncode, [json.loads(line) for line in done.stdout.splitlines()]


@pytest.fixture(scope="session")
def infrastructure(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Infrastructure]:
    state_dir = tmp_path_factory.mktemp("infrastructure")
    stack = Stack()
    try:
        if os.environ.get("EFP_TEST_INFRA") == "containers":
            from devstack.containers import start_containers  # imports Docker's client: only when asked

            amqp_url, mongodb_url = start_containers(stack.cleanups)
        else:
            rabbit = None if os.environ.get("AMQP_URL") else _start_broker(stack, state_dir)
            amqp_url = os.environ.get("AMQP_URL") or rabbit.amqp_url  # type: ignore[union-attr]
            store = None if os.environ.get("MONGODB_URL") else start_store(stack, state_dir, free_port())
            mongodb_url = os.environ.get("MONGODB_URL") or store.url  # type: ignore[union-attr]
            yield Infrastructure(amqp_url, mongodb_url, state_dir, rabbit, store)
            return
        yield Infrastructure(amqp_url, mongodb_url, state_dir)
    finally:
        stack.stop()


def _start_broker(stack: Stack, state_dir: Path) -> RabbitNode | RabbitCluster:
    """One node, as every session but the fault suite's wants (a cluster takes longer to start);
    EFP_BROKER_NODES=3 (set by tests/faults/conftest.py) makes it a cluster of that many."""
    nodes = int(os.environ.get("EFP_BROKER_NODES", "1"))
    if nodes > 1:
        return start_cluster_into(stack, state_dir / "rabbit-cluster", nodes)
    return start_rabbitmq(stack, state_dir, free_port(), free_port())


@pytest.fixture(scope="session")
def mail_server() -> Iterator[MailRecorder]:
    recorder = MailRecorder(free_port())
    recorder.start()
    try:
        yield recorder
    finally:
        recorder.stop()


def _broker_users(infrastructure: Infrastructure) -> dict[str, str]:
    """This session's broker users, made through the console of the node it started or of the broker
    AMQP_URL names; none with testcontainers (their console port is not published)."""
    rabbit = infrastructure.rabbit
    if rabbit is not None:
        return provision_users(infrastructure.amqp_url, rabbit.management_url, infrastructure.state_dir)
    if os.environ.get("AMQP_URL"):
        management_url = management_url_of(infrastructure.amqp_url)
        return provision_users(infrastructure.amqp_url, management_url, infrastructure.state_dir)
    return {}


def oidc_test_clients(backchannel_port: int, ceres_port: int) -> list[dict[str, Any]]:
    ceres = f"http://127.0.0.1:{ceres_port}"
    return [
        {**OIDC_TEST_CLIENT, "backchannel_logout_uri": f"http://127.0.0.1:{backchannel_port}/backchannel"},
        {
            **OIDC_CERES_CLIENT,
            "redirect_uris": [f"{ceres}/callback"],
            "post_logout_redirect_uris": [f"{ceres}/"],
            "backchannel_logout_uri": f"{ceres}/backchannel-logout",
        },
    ]


@pytest.fixture(scope="session")
def system(infrastructure: Infrastructure, mail_server: MailRecorder) -> Iterator[RunningSystem]:
    log_dir = infrastructure.state_dir / "service-logs"
    gateway_port = free_port()
    web_port = free_port()
    endpoints = Endpoints(infrastructure.amqp_url, infrastructure.mongodb_url, mail_server.url)
    broker_users = _broker_users(infrastructure)
    metrics_ports = {name: free_port() for name in SERVICES}
    prefix = infrastructure.database_prefix
    databases = {name: f"{prefix}{name}" for name in (*SERVICES, "web")}
    store_users = provision_store_users(infrastructure.mongodb_url, databases, infrastructure.state_dir)
    backchannel_port, ceres_port = free_port(), free_port()
    env = service_env(
        endpoints,
        infrastructure.state_dir,
        gateway_port,
        {
            "EFP_ENVIRONMENT": "test",
            "EFP_CAPTCHA_TEST_ANSWER": CAPTCHA_TEST_ANSWER,
            "EFP_LOG_LEVEL": "DEBUG",
            "EFP_OUTBOX_POLL_SECONDS": "0.5",
            "IDENTITY_RESEND_COOLDOWN_SECONDS": "1",
            # E-mail retries in seconds, not minutes: 0.5 s, then 1 s; a claim is held 3 s.
            "NOTIFICATION_BACKOFF_BASE_SECONDS": "0.5",
            "NOTIFICATION_MAX_ATTEMPTS": "3",
            "NOTIFICATION_SENDING_LEASE_SECONDS": "3",
            "EFP_TEST_CLOCK_FILE": str(infrastructure.state_dir / "clock-offset"),
            "HABILITATION_SWEEP_SECONDS": "1",
            # Identity's sweeps too (idle sign-ups, e-mail changes, erasures, inactive accounts).
            "IDENTITY_SWEEP_SECONDS": "1",
            # The suite's managers and agents log in with a password alone; an enrolled person is still
            # asked for step-up, and tests/security/test_second_factor.py restarts habilitation with it on.
            "HABILITATION_SECOND_FACTOR_REQUIRED": "false",
            # Every test browser logs in from 127.0.0.1: the per-IP cap would throttle the suite itself.
            "IDENTITY_LOGIN_PER_IP_PER_MINUTE": "100000",
            # The same for captchas: every test makes and shows them from 127.0.0.1.
            "IDENTITY_CAPTCHA_CREATIONS_PER_IP_PER_MINUTE": "100000",
            "IDENTITY_CAPTCHA_MEDIA_PER_IP_PER_MINUTE": "100000",
            # And for code e-mails, which name the address that asked (notification's requester budget).
            "NOTIFICATION_RATE_LIMIT_PER_REQUESTER": "100000",
            "EFP_BOOTSTRAP_AGENT_EMAIL": AGENT_EMAIL,
            "EFP_BOOTSTRAP_AGENT_PASSWORD": AGENT_PASSWORD,
            "EFP_SERVICE_API_KEYS": f"other-system-key,{SERVICE_API_KEY}",
            "EFP_OPERATOR_AMQP_URL": broker_users.get("operator", endpoints.amqp_url),
            **{f"{name.upper()}_DATABASE": database for name, database in databases.items()},
            **web_env(gateway_port, web_port),
            "EFP_OIDC_DEV_CLIENTS": json.dumps(oidc_test_clients(backchannel_port, ceres_port)),
        },
    )
    stack = Stack()
    gateway_url = f"http://127.0.0.1:{gateway_port}"
    running = RunningSystem(
        infrastructure,
        gateway_url,
        f"http://127.0.0.1:{web_port}",
        env,
        {},
        stack,
        log_dir,
        own_env=process_envs(broker_users, metrics_ports, store_users),
        broker_users=broker_users,
        store_users=store_users,
        metrics_urls=metrics_urls(gateway_url, metrics_ports),
        backchannel_port=backchannel_port,
        ceres_port=ceres_port,
    )
    try:
        load_sirene_sample(env, log_dir)
        for name in (*SERVICES, "gateway"):
            running.start(name)
        running.wait_ready()
        running.start("web")
        wait_web(running.web_url, running.children["web"])
        yield running
    finally:
        stack.stop()
