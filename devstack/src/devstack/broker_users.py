"""The broker users of the local system: passwords kept in the data dir, provisioned through the
management API, so each service process connects as itself (efp_runtime.broker_access)."""

import os
import sys
import urllib.parse
from pathlib import Path

from devstack.rabbitmq import RabbitNode
from devstack.system import kept_secret
from efp_runtime.broker_access import USERS, ManagementApi, ProvisioningFailed, provision
from efp_runtime.broker_addresses import amqp_addresses

ADMIN = "efp-admin"
ADMIN_PASSWORD_VARIABLE = "EFP_BROKER_ADMIN_PASSWORD"  # noqa: S105 (a variable's name)


def password(data_dir: Path, user: str, variable: str) -> str:
    """From the environment if set there, else made once per data dir (like the HMAC keys), so a
    broker kept in the data dir and the services started next time agree."""
    return os.environ.get(variable) or kept_secret(data_dir, f"{user}-amqp-password", 24)


def with_user(amqp_url: str, user: str, secret: str) -> str:
    """`amqp_url` with another user's credentials (on every address of a cluster's list)."""
    credentials = f"{urllib.parse.quote(user, safe='')}:{urllib.parse.quote(secret, safe='')}"
    urls = []
    for address in amqp_addresses(amqp_url):
        parts = urllib.parse.urlsplit(address)
        host = parts.netloc.rsplit("@", 1)[-1]
        urls.append(urllib.parse.urlunsplit(parts._replace(netloc=f"{credentials}@{host}")))
    return ",".join(urls)


def management_url_of(amqp_url: str) -> str:
    """EFP_MANAGEMENT_URL, else the console's default port on the broker's host."""
    given = os.environ.get("EFP_MANAGEMENT_URL")
    if given:
        return given
    host = urllib.parse.urlsplit(amqp_url).hostname or "127.0.0.1"
    return f"http://{host}:15672/"


def provision_users(amqp_url: str, management_url: str, data_dir: Path) -> dict[str, str]:
    """Create the service and operator users with the rights of the admin in `amqp_url`; returns
    each user's AMQP URL, or {} (with a warning) when that admin may not, so that every process
    then connects with `amqp_url` as before."""
    parts = urllib.parse.urlsplit(amqp_addresses(amqp_url)[0])
    admin = urllib.parse.unquote(parts.username or "guest")
    admin_password = urllib.parse.unquote(parts.password or "guest")
    passwords = {user.name: password(data_dir, user.name, user.password_variable) for user in USERS}
    try:
        provision(ManagementApi(management_url, admin, admin_password), passwords)
    except ProvisioningFailed as error:
        print(
            f"WARNING: could not create the broker users through {management_url} ({error}); "
            f"every service connects with the given AMQP_URL, without least privilege.",
            file=sys.stderr,
            flush=True,
        )
        return {}
    return {name: with_user(amqp_url, name, secret) for name, secret in passwords.items()}


def replace_guest(node: RabbitNode, data_dir: Path) -> str:
    """The run command's node: an administrator with its own password instead of guest/guest, which
    anyone on this machine could use to read every queue. Returns the administrator's AMQP URL."""
    secret = password(data_dir, ADMIN, ADMIN_PASSWORD_VARIABLE)
    if node.ctl("add_user", ADMIN, secret).returncode != 0:
        _ctl(node, "change_password", ADMIN, secret)
    _ctl(node, "set_user_tags", ADMIN, "administrator")
    _ctl(node, "set_permissions", "-p", "/", ADMIN, ".*", ".*", ".*")
    node.ctl("delete_user", "guest")  # already gone after the first run
    return with_user(node.amqp_url, ADMIN, secret)


def _ctl(node: RabbitNode, *args: str) -> None:
    result = node.ctl(*args)
    if result.returncode != 0:
        raise RuntimeError(f"rabbitmqctl {args[0]} failed: {result.stderr}")
