"""docker-compose.yml is valid Compose, runs each service as its module, and holds no secret."""

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
APPLICATION_SERVICES = ("identity", "habilitation", "notification", "gateway")
SECRET_KEY_SUFFIXES = ("PASS", "PASSWORD", "SECRET_KEY")
# ${NAME}, ${NAME:?message}, ${NAME:-default}, ${NAME?message}, ${NAME-default}
REFERENCE = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*(?::?[?-][^}]*)?\}")


def load_compose() -> dict[str, Any]:
    # The safe loader resolves the `<<:` merge keys the file uses, as Compose does.
    document: dict[str, Any] = YAML(typ="safe", pure=True).load(COMPOSE_FILE.read_text(encoding="utf-8"))
    return document


def environment_of(service: dict[str, Any]) -> dict[str, Any]:
    """A service's environment as a dict, whether written as a mapping or as KEY=VALUE items."""
    environment = service.get("environment") or {}
    if isinstance(environment, dict):
        return dict(environment)
    return dict(item.split("=", 1) if "=" in item else (item, None) for item in environment)


def test_compose_file_matches_the_compose_specification() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.compose-spec", str(COMPOSE_FILE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", APPLICATION_SERVICES)
def test_each_service_runs_its_own_python_module(name: str) -> None:
    service = load_compose()["services"][name]
    assert service["command"] == ["python", "-m", name]


@pytest.mark.parametrize("name", APPLICATION_SERVICES)
def test_each_service_starts_only_once_the_broker_and_database_are_healthy(name: str) -> None:
    service = load_compose()["services"][name]
    depends_on = service.get("depends_on") or {}
    assert isinstance(depends_on, dict), "depends_on must use the long form to carry conditions"
    for infrastructure in ("rabbitmq", "mongodb"):
        assert depends_on.get(infrastructure, {}).get("condition") == "service_healthy", infrastructure


def test_notification_starts_only_once_the_mail_server_is_healthy() -> None:
    depends_on = load_compose()["services"]["notification"]["depends_on"]
    assert depends_on["mailpit"]["condition"] == "service_healthy"


def test_gateway_has_a_healthcheck_on_its_liveness_endpoint() -> None:
    healthcheck = load_compose()["services"]["gateway"]["healthcheck"]
    assert "/health/live" in " ".join(healthcheck["test"])


@pytest.mark.parametrize("name", APPLICATION_SERVICES)
def test_each_service_is_restarted_after_a_crash(name: str) -> None:
    service = load_compose()["services"][name]
    assert service.get("restart") in ("always", "unless-stopped", "on-failure")


def test_no_password_or_secret_key_is_written_in_the_compose_file() -> None:
    leaks = []
    for service_name, service in load_compose()["services"].items():
        for key, value in environment_of(service).items():
            if key.upper().endswith(SECRET_KEY_SUFFIXES) and not REFERENCE.fullmatch(str(value or "")):
                leaks.append(f"{service_name}.{key}")
    assert not leaks, f"secrets must be ${{...}} references to .env: {leaks}"


def test_no_credentials_are_written_in_connection_urls() -> None:
    leaks = []
    for service_name, service in load_compose()["services"].items():
        for key, value in environment_of(service).items():
            url = str(value or "")
            if "://" not in url or "@" not in url:
                continue
            userinfo = url.split("://", 1)[1].rsplit("@", 1)[0]
            # Once the ${...} references are removed, only the user:password separator may remain.
            if REFERENCE.sub("", userinfo) not in ("", ":"):
                leaks.append(f"{service_name}.{key}")
    assert not leaks, f"URL credentials must be ${{...}} references to .env: {leaks}"
