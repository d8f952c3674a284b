"""Who may do what on the broker: one RabbitMQ user per service, and the step that provisions them.

RabbitMQ checks three permissions per user and vhost, each a regular expression on resource names:
configure (declare, delete), write (publish to an exchange, bind to a queue) and read (consume or
get from a queue, bind from an exchange); topic permissions narrow, per topic exchange, the routing
keys a user may publish with or bind on. Each service configures and reads only queues named after
it, publishes events only under its own name, and only the notification service reads
`efp.commands` (and so `notification.commands`, whose e-mail commands carry codes).

The shared exchanges and the dead-letter queues are declared here, by the provisioning step, so no
service needs configure rights on what others use: `efp_runtime.broker` only checks they exist.

`python -m efp_runtime.broker_access` provisions a broker from the environment (docker-compose's
`broker-setup` job); devstack calls `provision()` with the passwords it keeps in its data dir.
"""

import base64
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from contracts.topology import (
    COMMANDS_EXCHANGE,
    DEAD_LETTER_EXCHANGE,
    DEAD_LETTERED_QUEUES,
    EVENTS_EXCHANGE,
    GATEWAY_AUTHORIZATIONS_QUEUE_PREFIX,
    GATEWAY_SESSIONS_QUEUE_PREFIX,
    NOTIFICATION_ABANDONED_QUEUE,
    SERVICES,
    credentials_queue,
    dead_letter_queue,
    rpc_queue,
)

VHOST = "/"
NOTHING = "^$"
# RabbitMQ's name, for permission checks, of the default exchange: RPC requests and replies
# (direct reply-to) and the notification service's delay queues are published through it.
DEFAULT_EXCHANGE = "amq.default"
SHARED_EXCHANGES = {EVENTS_EXCHANGE: "topic", COMMANDS_EXCHANGE: "direct", DEAD_LETTER_EXCHANGE: "direct"}
# Every queue of topology.DEAD_LETTERED_QUEUES gets its dead-letter queue declared and bound here, so
# no service may bind from the dead-letter exchange (binding `<own queue>.dead-letter` to another
# service's routing key would read that service's rejects). (Request queues are not dead-lettered: an
# expired request is dropped, see `broker.rpc_request_queue`.)
REQUEST_QUEUES = (rpc_queue("identity"), rpc_queue("habilitation"), rpc_queue("notification"))
# Requests a service has not taken yet, per request queue: past it RabbitMQ refuses the publish
# (reject-publish), so the gateway answers 503 at once instead of queueing work no caller waits for
# (a request expires with its caller's timeout anyway). A policy, not queue arguments: operators can
# change it on a running broker, and the queues the services declare need not be redeclared.
REQUEST_QUEUE_MAX_LENGTH = 1000
REQUEST_QUEUES_POLICY = "efp-request-queues"


def _name(name: str) -> str:
    """A regular expression matching exactly `name`."""
    return name.replace(".", r"\.")


def _under(prefix: str) -> str:
    """A regular expression matching the names `<prefix>.<anything>`."""
    return _name(prefix) + r"\..+"


def _any(*patterns: str) -> str:
    """A permission matching whole names against any of `patterns`."""
    return f"^({'|'.join(patterns)})$"


# The gateway's own exclusive event queues, `<prefix>.<random>`.
GATEWAY_QUEUES = (_under(GATEWAY_AUTHORIZATIONS_QUEUE_PREFIX), _under(GATEWAY_SESSIONS_QUEUE_PREFIX))
EVENTS, COMMANDS, DEAD_LETTERS, DEFAULT = map(
    _name, (EVENTS_EXCHANGE, COMMANDS_EXCHANGE, DEAD_LETTER_EXCHANGE, DEFAULT_EXCHANGE)
)


@dataclass(frozen=True)
class TopicPermission:
    exchange: str
    write: str
    read: str


@dataclass(frozen=True)
class BrokerUser:
    name: str
    configure: str
    write: str
    read: str
    topics: tuple[TopicPermission, ...] = ()
    # `management` lets a user log in to the console and see (only) what it may read.
    tags: tuple[str, ...] = ()

    @property
    def password_variable(self) -> str:
        return f"{self.name.upper()}_AMQP_PASSWORD"


USERS = (
    BrokerUser(
        "identity",
        configure=_any(_under("identity")),
        # Declaring a queue that dead-letters requires write on the dead-letter exchange.
        write=_any(_under("identity"), EVENTS, COMMANDS, DEAD_LETTERS, DEFAULT),
        read=_any(_under("identity")),
        topics=(TopicPermission(EVENTS_EXCHANGE, write=r"^identity\.", read=NOTHING),),
    ),
    BrokerUser(
        "habilitation",
        configure=_any(_under("habilitation")),
        write=_any(_under("habilitation"), EVENTS, COMMANDS, DEAD_LETTERS, DEFAULT),
        read=_any(_under("habilitation"), EVENTS),
        # It follows identity's account events, nothing else.
        topics=(TopicPermission(EVENTS_EXCHANGE, write=r"^habilitation\.", read=r"^identity\.account\."),),
    ),
    BrokerUser(
        "notification",
        configure=_any(_under("notification")),
        # efp.commands: its delay queues dead-letter back to it, and operators' requeues go through it.
        write=_any(_under("notification"), COMMANDS, DEAD_LETTERS, DEFAULT),
        read=_any(_under("notification"), COMMANDS, EVENTS),
        # Of the events, only a deleted account's: it erases the e-mails about the person.
        topics=(TopicPermission(EVENTS_EXCHANGE, write=NOTHING, read=r"^identity\.account\.deleted\."),),
    ),
    BrokerUser(
        "gateway",
        # efp.events only until the authorization feed declares it passively (then drop it).
        configure=_any(*GATEWAY_QUEUES),
        write=_any(*GATEWAY_QUEUES, DEFAULT),
        read=_any(*GATEWAY_QUEUES, EVENTS),
        # Its copy of the habilitations needs their granted/revoked/expired events only, its session cache
        # identity's changes of sessions.
        topics=(
            TopicPermission(
                EVENTS_EXCHANGE, write=NOTHING, read=r"^(habilitation\.habilitation\.|identity\.session\.changed\.)"
            ),
        ),
    ),
    BrokerUser(
        "operator",
        configure=NOTHING,
        # A dead letter is replayed straight into its queue through the default exchange, a parked e-mail
        # command to efp.commands (efp_ops.dead_letters, notification's RabbitHeldCommands): no requeue
        # publishes on efp.events, so the operator may not, and cannot forge a habilitation event.
        write=_any(COMMANDS, DEFAULT),
        read=_any(r".+\.dead-letter", _name(NOTIFICATION_ABANDONED_QUEUE)),
        tags=("management",),
    ),
)
USERS_BY_NAME = {user.name: user for user in USERS}


class ProvisioningFailed(Exception):
    """The management API refused a request or could not be reached."""


class ManagementApi:
    """The few calls of RabbitMQ's management HTTP API that provisioning needs (stdlib only: the
    provisioning job runs in the services' image)."""

    def __init__(self, url: str, user: str, password: str, timeout: float = 10) -> None:
        if not url.startswith(("http://", "https://")):
            raise ProvisioningFailed(f"the management API needs an http(s) URL, not {url!r}")
        self._base = url.rstrip("/") + "/api"
        self._authorization = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        self._timeout = timeout

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        request = urllib.request.Request(  # noqa: S310 (http(s) only, checked in __init__)
            self._base + path,
            data=None if body is None else json.dumps(body).encode(),
            method=method,
            headers={"authorization": self._authorization, "content-type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:  # noqa: S310 (as above)
                content = response.read()
        except urllib.error.HTTPError as error:
            raise ProvisioningFailed(
                f"{method} {path}: {error.code} {error.read().decode(errors='replace')}"
            ) from error
        except (urllib.error.URLError, OSError) as error:
            raise ProvisioningFailed(f"{method} {path}: {error}") from error
        return json.loads(content) if content else None

    def wait_until_up(self, timeout: float) -> None:
        """The console listens a little after the node answers pings: wait for it."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.call("GET", "/overview")
                return
            except ProvisioningFailed:
                if time.monotonic() > deadline:
                    raise
                time.sleep(1)


def _path(*parts: str) -> str:
    return "".join("/" + urllib.parse.quote(part, safe="") for part in parts)


def provision(
    api: ManagementApi,
    passwords: dict[str, str],
    vhost: str = VHOST,
    request_queue_max_length: int = REQUEST_QUEUE_MAX_LENGTH,
) -> None:
    """Create or update the shared exchanges, the dead-letter queues and every user of `USERS`
    (idempotent: running it again with new passwords changes them)."""
    missing = [user.name for user in USERS if not passwords.get(user.name)]
    if missing:
        raise ProvisioningFailed(f"no password for broker user(s) {', '.join(missing)}")
    for name, kind in SHARED_EXCHANGES.items():
        body = {"type": kind, "durable": True, "auto_delete": False, "internal": False, "arguments": {}}
        api.call("PUT", _path("exchanges", vhost, name), body)
    drop_dead_lettered_request_queues(api, vhost)
    bound_request_queues(api, vhost, request_queue_max_length)
    for queue in DEAD_LETTERED_QUEUES:
        dead = dead_letter_queue(queue)
        api.call("PUT", _path("queues", vhost, dead), {"durable": True, "arguments": {"x-queue-type": "quorum"}})
        api.call(
            "POST",
            _path("bindings", vhost, "e", DEAD_LETTER_EXCHANGE, "q", dead),
            {"routing_key": queue, "arguments": {}},
        )
    for user in USERS:
        api.call("PUT", _path("users", user.name), {"password": passwords[user.name], "tags": ",".join(user.tags)})
        permissions = {"configure": user.configure, "write": user.write, "read": user.read}
        api.call("PUT", _path("permissions", vhost, user.name), permissions)
        for topic in user.topics:
            body = {"exchange": topic.exchange, "write": topic.write, "read": topic.read}
            api.call("PUT", _path("topic-permissions", vhost, user.name), body)


def bound_request_queues(api: ManagementApi, vhost: str, max_length: int) -> None:
    """The policy that bounds every service's request and credentials queue (see REQUEST_QUEUE_MAX_LENGTH)."""
    names = [name for service in SERVICES for name in (rpc_queue(service), credentials_queue(service))]
    body = {
        "pattern": _any(*map(_name, names)),
        "apply-to": "queues",
        "priority": 0,
        "definition": {"max-length": max_length, "overflow": "reject-publish"},
    }
    api.call("PUT", _path("policies", vhost, REQUEST_QUEUES_POLICY), body)


def drop_dead_lettered_request_queues(api: ManagementApi, vhost: str) -> None:
    """Request queues declared by an earlier version (with a dead-letter exchange) would refuse the
    services' declaration (PRECONDITION_FAILED): delete them before the services start. Whatever they
    hold are requests whose callers have stopped waiting."""
    existing = {queue["name"]: queue for queue in api.call("GET", _path("queues", vhost)) or []}
    for name in REQUEST_QUEUES:
        if "x-dead-letter-exchange" in (existing.get(name, {}).get("arguments") or {}):
            api.call("DELETE", _path("queues", vhost, name))


def main() -> None:
    """Provision from the environment: RABBITMQ_MANAGEMENT_URL, EFP_BROKER_ADMIN_USER,
    EFP_BROKER_ADMIN_PASSWORD and one <USER>_AMQP_PASSWORD per user."""
    try:
        api = ManagementApi(
            os.environ.get("RABBITMQ_MANAGEMENT_URL", "http://rabbitmq:15672/"),
            os.environ["EFP_BROKER_ADMIN_USER"],
            os.environ["EFP_BROKER_ADMIN_PASSWORD"],
        )
        api.wait_until_up(float(os.environ.get("EFP_BROKER_SETUP_TIMEOUT_SECONDS", "120")))
        passwords = {user.name: os.environ.get(user.password_variable, "") for user in USERS}
        max_length = int(os.environ.get("EFP_BROKER_REQUEST_QUEUE_MAX_LENGTH", REQUEST_QUEUE_MAX_LENGTH))
        provision(api, passwords, request_queue_max_length=max_length)
    except (KeyError, ValueError, ProvisioningFailed) as error:
        sys.exit(f"broker provisioning failed: {error!s}")
    print(f"broker provisioned: users {', '.join(user.name for user in USERS)}", flush=True)


if __name__ == "__main__":
    main()
