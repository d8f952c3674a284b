"""docker-compose.cluster.yml is valid Compose and gives every service all three broker nodes and all
three store members, as its own user, with no secret written: every value comes from .env.example."""

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from contracts.topology import SERVICES
from efp_runtime.broker_addresses import amqp_addresses
from efp_runtime.senders import broker_user
from tests.architecture.test_compose_file import ENV_EXAMPLE, REFERENCE, VARIABLE, environment_of

ROOT = Path(__file__).resolve().parents[2]
CLUSTER_FILE = ROOT / "docker-compose.cluster.yml"
BROKER_NODES = ("rabbitmq", "rabbitmq-2", "rabbitmq-3")
STORE_MEMBERS = ("mongodb:27017", "mongodb-2:27017", "mongodb-3:27017")


def load_override() -> dict[str, Any]:
    document: dict[str, Any] = YAML(typ="safe", pure=True).load(CLUSTER_FILE.read_text(encoding="utf-8"))
    return document


def test_the_override_matches_the_compose_specification() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.compose-spec", str(CLUSTER_FILE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", [*SERVICES, "gateway"])
def test_each_service_gets_every_broker_node_as_its_own_user(name: str) -> None:
    url = environment_of(load_override()["services"][name])["AMQP_URL"]
    addresses = amqp_addresses(url)
    assert [address.split("@", 1)[1].split(":")[0] for address in addresses] == list(BROKER_NODES)
    assert {broker_user(address) for address in addresses} == {name}


@pytest.mark.parametrize("name", [*SERVICES, "web"])
def test_each_service_that_keeps_data_gets_the_replica_set(name: str) -> None:
    url = environment_of(load_override()["services"][name])["MONGODB_URL"]
    hosts = url.split("@", 1)[1].split("/", 1)[0].split(",")
    assert hosts == list(STORE_MEMBERS)
    assert "replicaSet=rs0" in url


def test_the_replica_set_is_initiated_with_its_three_members() -> None:
    script = " ".join(load_override()["services"]["mongodb-init"]["command"])
    assert all(f"host: '{member}'" in script for member in STORE_MEMBERS)


def test_the_broker_nodes_share_one_cookie_from_the_environment() -> None:
    services = load_override()["services"]
    cookies = {environment_of(services[node])["RABBITMQ_COOKIE"] for node in BROKER_NODES}
    assert len(cookies) == 1
    assert REFERENCE.fullmatch(cookies.pop())


def test_the_broker_definitions_are_provisioned_once_every_node_is_up() -> None:
    waits_for = load_override()["services"]["broker-setup"]["depends_on"]
    assert {"rabbitmq-2", "rabbitmq-3"} <= set(waits_for)


def test_every_variable_the_override_uses_is_listed_in_the_env_example() -> None:
    listed = {
        line.split("=", 1)[0].strip()
        for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
        if "=" in line and not line.lstrip().startswith("#")
    }
    used = set(VARIABLE.findall(CLUSTER_FILE.read_text(encoding="utf-8")))
    assert not used - listed, f"add to .env.example: {sorted(used - listed)}"
