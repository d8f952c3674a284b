"""Ministry agents: created by an operator command, they log in like everybody else."""

import json
import subprocess
import sys

import httpx
import pytest

from devstack.pytest_plugin import RunningSystem
from tests.e2e.journeys import log_in, unique_email

pytestmark = pytest.mark.e2e
COMMAND = [sys.executable, "-m", "efp_ops", "agents", "create"]


def _create_agent(system: RunningSystem, email: str, password: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            *COMMAND,
            *("--email", email, "--last-name", "Bérard", "--first-name", "Léa", "--service", "DREETS"),
            *("--region", "Île-de-France", "--civility", "madame"),
        ],
        input=password + "\n",
        env=system.env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_operator_command_creates_an_agent_who_can_log_in(system: RunningSystem, client: httpx.Client) -> None:
    email = unique_email().replace("centre-formation.fr", "dreets.gouv.fr")
    password = "Agent-Régional-2026!"

    created = _create_agent(system, email, password)

    assert created.returncode == 0, created.stderr
    printed = json.loads(created.stdout)
    assert printed["kind"] == "agent"
    assert printed["region"] == "Île-de-France"
    session = log_in(client, email, password)
    assert session.status_code == 200, session.text
    assert session.json()["account"]["agent_service"] == "DREETS"


def test_the_operator_command_refuses_a_weak_password_and_a_taken_address(system: RunningSystem) -> None:
    email = unique_email()
    weak = _create_agent(system, email, "court")
    assert weak.returncode == 1
    assert json.loads(weak.stdout) == {"error": "weak_password", "fields": ["password"]}

    assert _create_agent(system, email, "Agent-Régional-2026!").returncode == 0
    taken = _create_agent(system, email, "Agent-Régional-2026!")
    assert taken.returncode == 1
    assert json.loads(taken.stdout)["error"] == "conflict"


def test_the_operator_command_documents_itself() -> None:
    result = subprocess.run([*COMMAND, "--help"], capture_output=True, text=True, timeout=60)

    assert result.returncode == 0
    assert "--service" in result.stdout
