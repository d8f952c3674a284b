"""The store's users: one per database, with readWrite on that database only, so a service's
credentials open its own data and nothing else (the MongoDB URL each process gets)."""

import os
import sys
import urllib.parse
from collections.abc import Mapping
from pathlib import Path

from pymongo.errors import PyMongoError

from devstack.broker_users import with_user
from devstack.system import kept_secret
from efp_runtime.store_access import StoreUser, provision


def user_password(data_dir: Path, user: str) -> str:
    """<USER>_MONGODB_PASSWORD if set, else made once per data dir (like the broker passwords)."""
    variable = f"{user.upper()}_MONGODB_PASSWORD"
    return os.environ.get(variable) or kept_secret(data_dir, f"{user}-mongodb-password", 24)


def anonymous(url: str) -> str:
    """`url` without its user: a process that keeps no data (the gateway) can do nothing there."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[-1]))


def with_store_user(admin_url: str, user: str, secret: str) -> str:
    """`admin_url` with a service user's credentials; users live in `admin`, as MongoDB's do."""
    parts = urllib.parse.urlsplit(with_user(admin_url, user, secret))
    query = [(key, value) for key, value in urllib.parse.parse_qsl(parts.query) if key != "authSource"]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode([*query, ("authSource", "admin")])))


def provision_store_users(admin_url: str, databases: Mapping[str, str], data_dir: Path) -> dict[str, str]:
    """For each process -> its database, a user named after the database (so test sessions sharing a
    server keep apart) and that process's MONGODB_URL; the gateway, which keeps no data, gets the
    address with no user. {} (with a warning) when `admin_url` may not create users: every process
    then uses `admin_url` as before."""
    users = {
        process: StoreUser(database, user_password(data_dir, database), database)
        for process, database in databases.items()
    }
    try:
        provision(admin_url, list(users.values()))
    except PyMongoError as error:
        print(
            f"WARNING: could not create the store's users ({error}); every service uses the given "
            f"MONGODB_URL, without least privilege.",
            file=sys.stderr,
            flush=True,
        )
        return {}
    urls = {process: with_store_user(admin_url, user.name, user.password) for process, user in users.items()}
    return {**urls, "gateway": anonymous(admin_url)}
