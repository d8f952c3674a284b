"""docker-compose.yml is valid Compose, complete for production (health, restarts, replicas, volumes,
one broker user per service), and holds no secret: every value comes from a variable of .env.example."""

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from contracts.topology import SERVICES
from efp_runtime.broker_access import USERS
from efp_runtime.store_access import STORE_USERS

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
# The workers and the gateway in front of them; the web pages are checked on their own.
APPLICATION_SERVICES = (*SERVICES, "gateway")
SECRET_KEY_SUFFIXES = ("PASS", "PASSWORD", "SECRET_KEY")
# ${NAME}, ${NAME:?message}, ${NAME:-default}, ${NAME?message}, ${NAME-default}
REFERENCE = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*(?::?[?-][^}]*)?\}")
VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)")
# The secrets each service may receive, and no other: no env_file hands every secret to everyone.
SECRETS_OF = {
    "identity": {
        "IDENTITY_AMQP_PASSWORD",
        "IDENTITY_MONGODB_PASSWORD",
        "IDENTITY_SECRET_KEY",
        "IDENTITY_SECOND_FACTOR_KEYS",
        "EFP_BOOTSTRAP_AGENT_PASSWORD",
    },
    "habilitation": {"HABILITATION_AMQP_PASSWORD", "HABILITATION_MONGODB_PASSWORD", "HABILITATION_SECRET_KEY"},
    "notification": {"NOTIFICATION_AMQP_PASSWORD", "NOTIFICATION_MONGODB_PASSWORD", "SMTP_PASSWORD"},
    "gateway": {"GATEWAY_AMQP_PASSWORD", "EFP_SERVICE_API_KEYS"},
}
SECRET_VARIABLE = re.compile(r"(PASS|PASSWORD|SECRET_KEY|API_KEYS|FACTOR_KEYS)$")


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


def test_notification_waits_for_the_mail_catcher_only_when_its_profile_runs() -> None:
    compose = load_compose()
    assert compose["services"]["mailpit"]["profiles"] == ["mail-catcher"]
    mailpit = compose["services"]["notification"]["depends_on"]["mailpit"]
    assert mailpit == {"condition": "service_healthy", "required": False}


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
            # A user name may be written (each service's broker user is); its password only by reference.
            password = userinfo.split(":", 1)[1] if ":" in userinfo else ""
            if not REFERENCE.fullmatch(password):
                leaks.append(f"{service_name}.{key}")
    assert not leaks, f"URL credentials must be ${{...}} references to .env: {leaks}"


def long_running(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every service but the one-shot jobs others wait for to complete."""
    jobs = {
        name
        for service in compose["services"].values()
        for name, condition in (service.get("depends_on") or {}).items()
        if condition.get("condition") == "service_completed_successfully"
    }
    return {name: service for name, service in compose["services"].items() if name not in jobs}


def variables_of(service: dict[str, Any]) -> set[str]:
    return {name for value in environment_of(service).values() for name in VARIABLE.findall(str(value or ""))}


def test_every_long_running_service_has_a_healthcheck_and_a_restart_policy() -> None:
    for name, service in long_running(load_compose()).items():
        assert service.get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
        assert service.get("restart") in ("always", "unless-stopped", "on-failure"), name


@pytest.mark.parametrize("name", SERVICES)
def test_workers_are_healthy_when_their_metrics_answer(name: str) -> None:
    service = load_compose()["services"][name]
    port = environment_of(service)["EFP_METRICS_PORT"]
    assert f"127.0.0.1:{port}/metrics" in " ".join(service["healthcheck"]["test"])


@pytest.mark.parametrize("name", APPLICATION_SERVICES)
def test_each_service_runs_several_replicas_reached_through_no_fixed_host_port(name: str) -> None:
    service = load_compose()["services"][name]
    assert service["deploy"]["replicas"] > 1
    # A host port would let one replica only start; the proxy spreads requests over them.
    assert not service.get("ports"), f"{name} publishes a host port"


def test_the_proxy_publishes_the_gateway_and_finds_its_replicas_by_name() -> None:
    compose = load_compose()
    proxy = compose["services"]["proxy"]
    assert proxy["ports"] == ["8000:8000", "8080:8080"]
    assert proxy["depends_on"]["gateway"]["condition"] == "service_healthy"
    caddyfile = compose["configs"][proxy["configs"][0]["source"]]["content"]
    assert "dynamic a" in caddyfile
    assert "name gateway" in caddyfile


@pytest.mark.parametrize(("name", "target"), [("mongodb", "/data/db"), ("rabbitmq", "/var/lib/rabbitmq")])
def test_the_database_and_the_broker_keep_their_data_in_named_volumes(name: str, target: str) -> None:
    compose = load_compose()
    volumes = compose["services"][name]["volumes"]
    named = [v.split(":")[0] for v in volumes if v.split(":")[1] == target]
    assert named, f"{name} keeps {target} in no volume"
    assert named[0] in compose["volumes"], f"{name} keeps {target} in a bind mount, not a named volume"


@pytest.mark.parametrize("name", APPLICATION_SERVICES)
def test_each_service_connects_to_the_broker_as_its_own_user(name: str) -> None:
    url = environment_of(load_compose()["services"][name])["AMQP_URL"]
    userinfo = url.split("://", 1)[1].rsplit("@", 1)[0]
    user, password = userinfo.split(":", 1)
    assert user == name
    assert VARIABLE.findall(password) == [f"{name.upper()}_AMQP_PASSWORD"]


@pytest.mark.parametrize("name", APPLICATION_SERVICES)
def test_each_service_receives_its_own_secrets_and_no_others(name: str) -> None:
    service = load_compose()["services"][name]
    assert "env_file" not in service, "env_file would hand every secret of .env to every service"
    secrets = {variable for variable in variables_of(service) if SECRET_VARIABLE.search(variable)}
    assert secrets == SECRETS_OF[name]


def test_services_start_after_the_broker_users_exist() -> None:
    compose = load_compose()
    setup = compose["services"]["broker-setup"]
    assert setup["command"] == ["python", "-m", "efp_runtime.broker_access"]
    assert setup["depends_on"]["rabbitmq"]["condition"] == "service_healthy"
    for name in APPLICATION_SERVICES:
        depends_on = compose["services"][name]["depends_on"]
        assert depends_on["broker-setup"]["condition"] == "service_completed_successfully", name


def test_the_broker_setup_job_gets_a_password_for_every_broker_user() -> None:
    environment = environment_of(load_compose()["services"]["broker-setup"])
    for user in USERS:
        assert VARIABLE.findall(str(environment.get(user.password_variable))) == [user.password_variable]
    # The administrator the broker image creates is the one the job provisions with.
    rabbitmq = environment_of(load_compose()["services"]["rabbitmq"])
    assert VARIABLE.findall(environment["EFP_BROKER_ADMIN_USER"]) == VARIABLE.findall(rabbitmq["RABBITMQ_DEFAULT_USER"])


def test_every_variable_the_compose_file_uses_is_listed_in_the_env_example() -> None:
    listed = {
        line.split("=", 1)[0].strip()
        for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
        if "=" in line and not line.lstrip().startswith("#")
    }
    used = set(VARIABLE.findall(COMPOSE_FILE.read_text(encoding="utf-8")))
    assert used, "the compose file uses no variable at all"
    assert not used - listed, f"add to .env.example: {sorted(used - listed)}"


def test_the_web_pages_run_behind_the_proxy_with_no_secret_but_their_store_login() -> None:
    compose = load_compose()
    web = compose["services"]["web"]
    assert web["command"] == ["python", "-m", "web"]
    assert web["deploy"]["replicas"] > 1
    assert not web.get("ports"), "the web replicas are reached through the proxy"
    assert "/health/live" in " ".join(web["healthcheck"]["test"])
    assert web["restart"] in ("always", "unless-stopped", "on-failure")
    assert web["depends_on"]["gateway"]["condition"] == "service_healthy"
    assert {variable for variable in variables_of(web) if SECRET_VARIABLE.search(variable)} == {"WEB_MONGODB_PASSWORD"}
    assert environment_of(web)["WEB_COOKIE_SECURE"] == "true"
    proxy = compose["services"]["proxy"]
    assert "8080:8080" in proxy["ports"]
    assert "name web-for-proxy" in compose["configs"][proxy["configs"][0]["source"]]["content"]


def _members(compose: dict[str, Any], network: str) -> set[str]:
    return {name for name, service in compose["services"].items() if network in (service.get("networks") or {})}


@pytest.mark.parametrize(
    ("network", "trusting", "trusted", "variable", "alias"),
    [
        ("pages", "gateway", "web", "GATEWAY_FORWARDED_ALLOW_IPS", "gateway-for-web"),
        ("edge", "web", "proxy", "WEB_FORWARDED_ALLOW_IPS", "web-for-proxy"),
    ],
)
def test_a_forwarded_address_is_believed_only_from_the_one_container_in_front(
    network: str, trusting: str, trusted: str, variable: str, alias: str
) -> None:
    """The per-address limits count the address the container in front passes on: only it shares
    the network whose subnet is trusted, reached by an alias that resolves nowhere else."""
    compose = load_compose()
    subnet = compose["networks"][network]["ipam"]["config"][0]["subnet"]
    assert environment_of(compose["services"][trusting])[variable] == subnet
    assert _members(compose, network) == {trusting, trusted}
    assert compose["services"][trusting]["networks"][network]["aliases"] == [alias]


def test_the_store_requires_a_login_and_its_members_authenticate_by_key_file() -> None:
    mongodb = load_compose()["services"]["mongodb"]
    assert "--auth" in mongodb["command"]
    assert "--keyFile" in mongodb["command"]
    environment = environment_of(mongodb)
    for variable in ("MONGO_INITDB_ROOT_USERNAME", "MONGO_INITDB_ROOT_PASSWORD", "MONGO_KEYFILE_CONTENT"):
        assert REFERENCE.fullmatch(str(environment[variable])), variable


@pytest.mark.parametrize("name", STORE_USERS)
def test_each_service_that_keeps_data_logs_in_to_the_store_as_its_own_user(name: str) -> None:
    url = environment_of(load_compose()["services"][name])["MONGODB_URL"]
    userinfo = url.split("://", 1)[1].rsplit("@", 1)[0]
    user, password = userinfo.split(":", 1)
    assert user == name
    assert VARIABLE.findall(password) == [f"{name.upper()}_MONGODB_PASSWORD"]
    assert "authSource=admin" in url


def test_only_the_services_that_keep_data_share_a_network_with_the_store() -> None:
    compose = load_compose()
    assert set(compose["services"]["mongodb"]["networks"]) == {"store"}
    assert _members(compose, "store") == {"mongodb", "store-setup", *STORE_USERS}
    for name in ("gateway", "proxy", "mailpit", "rabbitmq"):
        assert "MONGODB_URL" not in environment_of(compose["services"][name]), name
    # The proxy reaches the gateway and the web replicas only: neither the bus nor the store.
    assert set(compose["services"]["proxy"]["networks"]) == {"api", "edge"}


def test_services_start_after_their_store_users_exist() -> None:
    compose = load_compose()
    setup = compose["services"]["store-setup"]
    assert setup["command"] == ["python", "-m", "efp_runtime.store_access"]
    assert setup["depends_on"]["mongodb"]["condition"] == "service_healthy"
    environment = environment_of(setup)
    for name in STORE_USERS:
        variable = f"{name.upper()}_MONGODB_PASSWORD"
        assert VARIABLE.findall(str(environment[variable])) == [variable]
        assert compose["services"][name]["depends_on"]["store-setup"]["condition"] == "service_completed_successfully"


def test_the_notification_service_lets_e_mails_link_to_every_service_of_the_catalogue() -> None:
    """Access e-mails link to the service's home page (habilitation's catalogue); the notification
    service mails only links it knows (its link policy): both lists must agree."""
    from habilitation.domain.catalogue import SERVICES as CATALOGUE
    from notification.config import NotificationSettings

    allowed = {url.rstrip("/") for url in NotificationSettings().service_url_list()}
    assert {service.url.rstrip("/") for service in CATALOGUE.values()} <= allowed
