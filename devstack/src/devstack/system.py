"""Start the infrastructure and the four services, as the run command and the tests both need."""

import base64
import os
import secrets
import signal
import sys
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import httpx

from devstack import rabbitmq
from devstack.processes import Child, Stack, port_open, spawn, wait_until

SERVICES = ("identity", "habilitation", "notification")
# The four processes; the gateway serves /metrics on its HTTP port, the others on EFP_METRICS_PORT.
PROCESSES = (*SERVICES, "gateway")
# SecantusDB's root user (devstack.secantus_server) and where its password may come from.
STORE_ADMIN = "efp-admin"
STORE_ADMIN_PASSWORD_VARIABLE = "EFP_STORE_ADMIN_PASSWORD"  # noqa: S105 (a variable's name)
MAILDEV = Path(".devstack/node/node_modules/.bin/maildev")
REPOSITORY = Path(__file__).resolve().parents[3]
# Made-up organisations in the SIRENE stock-file format, loaded by `run` and the tests.
SIRENE_SAMPLE = REPOSITORY / "services/identity/data/sirene-sample"


@dataclass(frozen=True)
class Endpoints:
    amqp_url: str
    mongodb_url: str
    smtp_url: str
    management_url: str | None = None
    mail_ui_url: str | None = None


@dataclass
class StoreNode:
    """The SecantusDB process a stack started, and what the fault suite does to it (by its PID only)."""

    stack: Stack
    storage: Path
    port: int
    secret: str
    log_dir: Path
    child: Child | None = None

    @property
    def url(self) -> str:
        """Its administrator's URL (root). retryWrites=false: with retryable writes SecantusDB's inserts
        slow down ~20x over time."""
        credentials = f"{STORE_ADMIN}:{urllib.parse.quote(self.secret, safe='')}"
        return (
            f"mongodb://{credentials}@127.0.0.1:{self.port}/?authSource=admin&retryWrites=false&directConnection=true"
        )

    def start(self) -> None:
        """Start it (again) on the same port and data directory: what it acknowledged is there."""
        child = spawn(
            "secantusdb",
            [
                *(sys.executable, "-m", "devstack.secantus_server", "--auth"),
                *("--port", str(self.port), "--storage-path", str(self.storage)),
            ],
            self.log_dir,
            env={STORE_ADMIN_PASSWORD_VARIABLE: self.secret},
        )
        self.child = self.stack.add(child)
        wait_until(lambda: port_open(self.port) or not child.alive(), 60, "SecantusDB")
        if not child.alive():
            raise RuntimeError(f"SecantusDB exited:\n{child.log_tail()}")

    def kill(self) -> None:
        """kill -9: no checkpoint, no clean close; its journal is all it has on the next start."""
        assert self.child is not None
        self.child.kill()

    def pause(self) -> None:
        """SIGSTOP: the port still accepts connections, nothing answers (a network-style outage)."""
        assert self.child is not None
        os.killpg(self.child.pid, signal.SIGSTOP)

    def resume(self) -> None:
        assert self.child is not None
        os.killpg(self.child.pid, signal.SIGCONT)


def start_store(stack: Stack, data_dir: Path, port: int) -> StoreNode:
    """SecantusDB with authentication on; its `url` is its administrator's (root), which only the
    harness, the operators' commands and the tests' own checks use (services: devstack.store_users)."""
    storage = data_dir / "secantusdb"
    storage.mkdir(parents=True, exist_ok=True)
    secret = os.environ.get(STORE_ADMIN_PASSWORD_VARIABLE) or kept_secret(data_dir, "store-admin-password", 24)
    node = StoreNode(stack, storage, port, secret, data_dir / "logs")
    node.start()
    return node


def start_mongodb(stack: Stack, data_dir: Path, port: int) -> str:
    """The store's administrator URL (`start_store` for a handle on the process)."""
    return start_store(stack, data_dir, port).url


def start_maildev(stack: Stack, data_dir: Path, smtp_port: int, web_port: int) -> tuple[str, str]:
    if not MAILDEV.exists():
        raise RuntimeError("maildev is not installed: run scripts/bootstrap --mail-ui")
    child = stack.add(
        spawn(
            "maildev",
            [
                str(MAILDEV),
                "--ip",
                "127.0.0.1",
                "--smtp",
                str(smtp_port),
                "--web",
                str(web_port),
                "--web-ip",
                "127.0.0.1",
            ],
            data_dir / "logs",
        )
    )
    wait_until(lambda: (port_open(smtp_port) and port_open(web_port)) or not child.alive(), 60, "MailDev")
    if not child.alive():
        raise RuntimeError(f"MailDev exited:\n{child.log_tail()}")
    return f"smtp://127.0.0.1:{smtp_port}", f"http://127.0.0.1:{web_port}/"


def kept_secret(data_dir: Path, name: str, length: int = 48) -> str:
    """A random secret made once per data dir (mode 0600) and read back on every later run."""
    path = data_dir / name
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(length))
        path.chmod(0o600)
    return path.read_text().strip()


def secret_key(data_dir: Path, service: str = "identity") -> str:
    """A service's HMAC key: made once per data dir, so stored hashes stay valid."""
    return kept_secret(data_dir, f"{service}-secret-key")


def second_factor_key(data_dir: Path) -> str:
    """Identity's Fernet key for the TOTP secrets: made once per data dir, so enrolled factors keep working."""
    path = data_dir / "identity-second-factor-key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
        path.chmod(0o600)
    return path.read_text().strip()


def service_env(
    endpoints: Endpoints, data_dir: Path, gateway_port: int, extra: dict[str, str] | None = None
) -> dict[str, str]:
    return {
        "AMQP_URL": endpoints.amqp_url,
        "MONGODB_URL": endpoints.mongodb_url,
        "SMTP_URL": endpoints.smtp_url,
        "GATEWAY_PORT": str(gateway_port),
        "IDENTITY_SECRET_KEY": secret_key(data_dir),
        "IDENTITY_SECOND_FACTOR_KEYS": second_factor_key(data_dir),
        "HABILITATION_SECRET_KEY": secret_key(data_dir, "habilitation"),
        **(extra or {}),
    }


def web_env(gateway_port: int, web_port: int) -> dict[str, str]:
    """The web service's settings; the links in e-mails lead to its pages."""
    web_url = f"http://127.0.0.1:{web_port}"
    return {
        "WEB_PORT": str(web_port),
        "WEB_GATEWAY_URL": f"http://127.0.0.1:{gateway_port}",
        "EFP_FRONTEND_URL": web_url,
        # WebAuthn refuses IP addresses as relying party: passkeys work on http://localhost:<port>.
        "IDENTITY_WEBAUTHN_RP_ID": "localhost",
        "IDENTITY_WEBAUTHN_ORIGINS": f"http://localhost:{web_port}",
    }


def wait_web(web_url: str, child: Child, timeout: float = 60) -> None:
    def ready() -> bool:
        if not child.alive():
            raise RuntimeError(f"web exited:\n{child.log_tail()}")
        try:
            return httpx.get(f"{web_url}/accessibilite", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    wait_until(ready, timeout, "the web service", interval=0.3)


def start_service(stack: Stack, name: str, env: dict[str, str], log_dir: Path) -> Child:
    return stack.add(spawn(name, [sys.executable, "-m", name], log_dir, env=env))


def start_services(
    stack: Stack, env: dict[str, str], log_dir: Path, own_env: dict[str, dict[str, str]] | None = None
) -> dict[str, Child]:
    """`own_env`: per process, what only it gets (see `process_envs`)."""
    own_env = own_env or {}
    return {name: start_service(stack, name, {**env, **own_env.get(name, {})}, log_dir) for name in PROCESSES}


def process_envs(
    amqp_urls: dict[str, str], metrics_ports: dict[str, int], store_urls: dict[str, str] | None = None
) -> dict[str, dict[str, str]]:
    """What differs between the processes: each connects to the broker and to the store as its own
    user (when there are users: `store_urls` adds the web service) and serves its metrics on its own
    port (`metrics_urls`)."""
    envs: dict[str, dict[str, str]] = {name: {} for name in PROCESSES}
    for name, url in amqp_urls.items():
        if name in envs:
            envs[name]["AMQP_URL"] = url
    for name, url in (store_urls or {}).items():
        envs.setdefault(name, {})["MONGODB_URL"] = url
    for name, port in metrics_ports.items():
        envs[name]["EFP_METRICS_PORT"] = str(port)
    return envs


def metrics_urls(gateway_url: str, metrics_ports: dict[str, int]) -> dict[str, str]:
    """Where each process's Prometheus metrics are, by service name."""
    urls = {name: f"http://127.0.0.1:{port}/metrics" for name, port in metrics_ports.items()}
    return {**urls, "gateway": f"{gateway_url}/metrics"}


# The gateway keeps a readiness answer this long (gateway.routes.health.READINESS_KEPT_SECONDS): a check
# made sooner after a restart could be the answer from before it.
READINESS_KEPT_SECONDS = 1.0


def wait_ready(gateway_url: str, children: dict[str, Child], timeout: float = 90) -> None:
    """Ready when the gateway says every service answers its RPC ping (asked afresh, past its cache)."""
    time.sleep(READINESS_KEPT_SECONDS + 0.1)

    def ready() -> bool:
        dead = [name for name, child in children.items() if not child.alive()]
        if dead:
            logs = "\n".join(f"--- {n}\n{children[n].log_tail()}" for n in dead)
            raise RuntimeError(f"{', '.join(dead)} exited:\n{logs}")
        try:
            return httpx.get(f"{gateway_url}/health/ready", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    wait_until(ready, timeout, "the services", interval=0.3)


def start_rabbitmq(
    stack: Stack, data_dir: Path, amqp_port: int, management_port: int, management: bool = True
) -> rabbitmq.RabbitNode:
    return rabbitmq.start_into(stack, data_dir, rabbitmq.RabbitPorts.free(amqp_port, management_port), management)


def load_sirene_sample(env: dict[str, str], log_dir: Path) -> None:
    """Import the sample organisations into the identity database (idempotent)."""
    child = spawn(
        "import-sirene",
        [
            sys.executable,
            "-m",
            "efp_ops",
            "sirene",
            "import",
            "--unites-legales",
            str(SIRENE_SAMPLE / "StockUniteLegale_sample.csv"),
            "--etablissements",
            str(SIRENE_SAMPLE / "StockEtablissement_sample.csv"),
        ],
        log_dir,
        env=env,
    )
    if child.process.wait(120) != 0:
        raise RuntimeError(f"the SIRENE sample import failed:\n{child.log_tail()}")
