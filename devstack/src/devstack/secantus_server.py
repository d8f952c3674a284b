"""Runs SecantusDB (MongoDB wire protocol) as its own process, with authentication when asked.

Started through its Python API because its command-line launcher ignores the TTL sweep
interval, and TTL indexes (captchas, processed messages) must actually expire documents.
With --auth, SecantusDB has no localhost exception: the administrator (root) is written into its
user table before it listens, and the per-service users are then made over the wire
(devstack.store_users). Its password comes from the environment, never the command line (ps).
"""

import argparse
import json
import os
import signal
import threading
import time
from collections import defaultdict
from typing import Any

from secantus import commands
from secantus.auth import SCRAM_SHA_1, SCRAM_SHA_256, derive_credentials
from secantus.server import SecantusDBServer

from devstack.secantus_routing import route_operator_filters
from devstack.system import STORE_ADMIN as ADMIN
from devstack.system import STORE_ADMIN_PASSWORD_VARIABLE

MECHANISMS = (SCRAM_SHA_256, SCRAM_SHA_1)


def seed_admin(server: SecantusDBServer, password: str) -> None:
    """The root user, in the record shape SecantusDB's createUser writes; replaced on every start,
    so a new password in the data dir takes effect."""
    credentials: dict[str, object] = {}
    for mechanism in MECHANISMS:
        credentials.update(derive_credentials(password, mechanism=mechanism, username=ADMIN).to_doc())
    record = {
        "_id": f"admin.{ADMIN}",
        "user": ADMIN,
        "db": "admin",
        "credentials": credentials,
        "roles": [{"role": "root", "db": "admin"}],
        "mechanisms": list(MECHANISMS),
    }
    server.storage.add_user("admin", ADMIN, record, replace=True)


def close_unchecked_commands() -> None:
    """SecantusDB 0.7.0b3 checks no privilege for a command missing from its action table: a
    service logged in with readWrite on its own database could write any other one through
    MongoDB 8's client-level `bulkWrite`, or step the server down. Here those commands (none of which
    the services send; real MongoDB checks each) need a cluster-wide grant, so only root runs them."""
    exempt = commands._NO_PRIVILEGE_COMMANDS | commands._PRE_AUTH_COMMANDS
    for name in set(commands._HANDLERS) - set(commands._COMMAND_ACTIONS) - exempt:
        commands._COMMAND_ACTIONS[name] = (commands.A_FSYNC, commands.SCOPE_CLUSTER)


def count_commands() -> dict[tuple[str, str, str], list[float]]:
    """Where the store's time goes (EFP_STORE_COMMAND_STATS, for benches): each command's count and thread CPU
    seconds by name, namespace and the shape of its filter (its fields), written as JSON when the server stops."""
    stats: dict[tuple[str, str, str], list[float]] = defaultdict(lambda: [0, 0.0])
    for name, handler in list(commands._HANDLERS.items()):

        def timed(doc: dict[str, Any], ctx: Any, _handler: Any = handler, _name: str = name) -> dict[str, Any]:
            started = time.thread_time()
            try:
                return _handler(doc, ctx)  # type: ignore[no-any-return]
            finally:
                target = doc.get(_name)
                namespace = f"{doc.get('$db', '')}.{target if isinstance(target, str) else ''}"
                entry = stats[(_name, namespace, _shape(doc))]
                entry[0] += 1
                entry[1] += time.thread_time() - started

        commands._HANDLERS[name] = timed
    return stats


def _shape(doc: dict[str, Any]) -> str:
    """A command's filter as its field names (`find`'s filter, the first update's or delete's `q`)."""
    query = doc.get("filter") or doc.get("query")
    for key in ("updates", "deletes"):
        if isinstance(doc.get(key), list) and doc[key]:
            query = doc[key][0].get("q")
    if not isinstance(query, dict):
        return ""
    return ",".join(
        sorted(f"{k}{'[' + ','.join(sorted(v)) + ']' if isinstance(v, dict) else ''}" for k, v in query.items())
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--storage-path", required=True)
    parser.add_argument("--ttl-sweep-seconds", type=float, default=1.0)
    parser.add_argument("--auth", action="store_true", help=f"require SCRAM logins; root is {ADMIN}")
    args = parser.parse_args()
    server = SecantusDBServer(
        args.host, args.port, args.storage_path, ttl_sweep_seconds=args.ttl_sweep_seconds, require_auth=args.auth
    )
    route_operator_filters()
    if args.auth:
        close_unchecked_commands()
        seed_admin(server, os.environ[STORE_ADMIN_PASSWORD_VARIABLE])
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stats_path = os.environ.get("EFP_STORE_COMMAND_STATS")
    stats = count_commands() if stats_path else None
    server.start()
    stop.wait()
    server.stop()
    if stats_path and stats is not None:
        ordered = sorted(stats.items(), key=lambda item: -item[1][1])
        rows = [[name, namespace, shape, int(count), seconds] for (name, namespace, shape), (count, seconds) in ordered]
        with open(stats_path, "w") as out:
            json.dump(rows, out)


if __name__ == "__main__":
    main()
