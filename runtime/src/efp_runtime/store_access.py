"""Who may do what in the store: one MongoDB user per service, with readWrite on its own database only.

A service's credentials then open its own data and nothing else: the notification service cannot
write habilitation's manager_rights nor read the codes in identity's outboxes. The gateway keeps no
data and gets no user. Users live in the `admin` database, as MongoDB's do.

`python -m efp_runtime.store_access` provisions the store from the environment (docker-compose's
`store-setup` job, as root); devstack calls `provision()` with the passwords it keeps in its data dir.
"""

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass

from pymongo import MongoClient
from pymongo.errors import OperationFailure, PyMongoError

# Every process that keeps data, named after its default database (<NAME>_DATABASE).
STORE_USERS = ("identity", "habilitation", "notification", "web")
USER_ALREADY_EXISTS = 51003  # MongoDB's (and SecantusDB's) code for createUser on an existing user


@dataclass(frozen=True)
class StoreUser:
    name: str
    password: str
    database: str


def ensure_user(client: MongoClient[dict[str, object]], user: StoreUser) -> None:
    """Create the user, or set its password and rights again when it exists (rotation included)."""
    roles = [{"role": "readWrite", "db": user.database}]
    try:
        client.admin.command("createUser", user.name, pwd=user.password, roles=roles)
    except OperationFailure as error:
        if error.code != USER_ALREADY_EXISTS:
            raise
        client.admin.command("updateUser", user.name, pwd=user.password, roles=roles)


def provision(admin_url: str, users: list[StoreUser], timeout_seconds: float = 10) -> None:
    """Idempotent; raises PyMongoError when `admin_url` may not manage users."""
    client: MongoClient[dict[str, object]]
    with MongoClient(admin_url, serverSelectionTimeoutMS=int(timeout_seconds * 1000)) as client:
        for user in users:
            ensure_user(client, user)


def users_from(environment: Mapping[str, str]) -> list[StoreUser]:
    """One user per STORE_USERS entry, its password from <NAME>_MONGODB_PASSWORD."""
    missing = [name for name in STORE_USERS if not environment.get(f"{name.upper()}_MONGODB_PASSWORD")]
    if missing:
        raise KeyError(f"no password for store user(s) {', '.join(missing)}")
    return [StoreUser(name, environment[f"{name.upper()}_MONGODB_PASSWORD"], name) for name in STORE_USERS]


def main() -> None:
    """Provision from the environment: EFP_STORE_ADMIN_URL (a root login) and one
    <NAME>_MONGODB_PASSWORD per user."""
    try:
        timeout = float(os.environ.get("EFP_STORE_SETUP_TIMEOUT_SECONDS", "120"))
        provision(os.environ["EFP_STORE_ADMIN_URL"], users_from(os.environ), timeout)
    except (KeyError, PyMongoError) as error:
        sys.exit(f"store provisioning failed: {error!s}")
    print(f"store provisioned: users {', '.join(STORE_USERS)}", flush=True)


if __name__ == "__main__":
    main()
