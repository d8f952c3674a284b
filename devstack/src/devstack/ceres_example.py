"""The CERES example relying party (examples/ceres) in a local run: registered with EFP Connect as a
dev client (EFP_OIDC_DEV_CLIENTS), then started once the web pages answer."""

import json
import sys
from pathlib import Path
from typing import Any

import httpx

from devstack.processes import Child, Stack, spawn, wait_until
from devstack.system import REPOSITORY, kept_secret

CLIENT_ID = "ceres-example"
EXAMPLE_DIR = REPOSITORY / "examples/ceres"


def ceres_client(data_dir: Path, port: int) -> dict[str, Any]:
    """The example's registration; its secret is made once per data dir, like the services' keys."""
    ceres = f"http://127.0.0.1:{port}"
    return {
        "client_id": CLIENT_ID,
        "client_secret": kept_secret(data_dir, "ceres-example-client-secret"),
        "name": "CERES",
        "service": "ceres",
        "redirect_uris": [f"{ceres}/callback"],
        "post_logout_redirect_uris": [f"{ceres}/"],
        "backchannel_logout_uri": f"{ceres}/backchannel-logout",
    }


def dev_clients_env(clients: list[dict[str, Any]]) -> dict[str, str]:
    """What the identity service reads at start-up to register these clients."""
    return {"EFP_OIDC_DEV_CLIENTS": json.dumps(clients)}


def service_key(data_dir: Path) -> str:
    """The example's key for /api/v1/authorizations/check (EFP_SERVICE_API_KEYS), made once per data dir."""
    return kept_secret(data_dir, "ceres-example-service-key")


def start_ceres_example(
    stack: Stack,
    issuer: str,
    client_id: str,
    client_secret: str,
    port: int,
    log_dir: Path,
    api: tuple[str, str] | None = None,
    timeout: float = 30,
) -> Child:
    """`python -m ceres_app` from examples/ceres, as a ministry team runs it; returns once it answers.
    `api`: the gateway's address and a service key, for the example's authorization check."""
    env = {
        "CERES_EFP_API_URL": api[0] if api else "",
        "CERES_SERVICE_API_KEY": api[1] if api else "",
        "CERES_ISSUER": issuer,
        "CERES_CLIENT_ID": client_id,
        "CERES_CLIENT_SECRET": client_secret,
        "CERES_BASE_URL": f"http://127.0.0.1:{port}",
        "CERES_PORT": str(port),
    }
    child = stack.add(spawn("ceres-example", [sys.executable, "-m", "ceres_app"], log_dir, env=env, cwd=EXAMPLE_DIR))

    def ready() -> bool:
        if not child.alive():
            raise RuntimeError(f"the CERES example exited:\n{child.log_tail()}")
        try:
            return httpx.get(f"http://127.0.0.1:{port}/", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    wait_until(ready, timeout, "the CERES example", interval=0.3)
    return child
