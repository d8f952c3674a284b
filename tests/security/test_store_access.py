"""Issue 14, finding 3: the store took any connection, so any process on its network (the proxy and
the mail catcher included) could write habilitation's manager_rights or read the codes in identity's
outboxes. The store now requires a login, and each service logs in as a user with readWrite on its own
database only; the gateway, which keeps no data, has no user at all.

Each test connects as the attacker would: with no credentials, or with the MONGODB_URL one process is
given (what a compromised container holds), to the session's own store.
"""

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from pymongo import InsertOne, MongoClient
from pymongo.errors import ClientBulkWriteException, OperationFailure

from devstack.pytest_plugin import RunningSystem
from devstack.store_users import anonymous
from tests.e2e.journeys import start_registration, unique_email

pytestmark = [pytest.mark.e2e, pytest.mark.security]
UNAUTHORIZED = 13  # MongoDB's (and SecantusDB's) code for an operation the login does not allow
# The processes that keep data, each in its own database (<NAME>_DATABASE).
OWNERS = ("identity", "habilitation", "notification", "web")
Store = MongoClient[dict[str, Any]]


def url_of(system: RunningSystem, process: str) -> str:
    """The MONGODB_URL the process is started with: what an attacker inside its container holds."""
    return str({**system.env, **system.own_env.get(process, {})}["MONGODB_URL"])


def database_of(system: RunningSystem, process: str) -> str:
    return str(system.env[f"{process.upper()}_DATABASE"])


def refused(operation: Callable[..., object], *arguments: object) -> bool:
    try:
        operation(*arguments)
    except ClientBulkWriteException as error:  # the client-level bulkWrite wraps the command's failure
        return isinstance(error.error, OperationFailure) and error.error.code == UNAUTHORIZED
    except OperationFailure as error:
        return error.code == UNAUTHORIZED
    return False


@pytest.fixture
def connect() -> Iterator[Callable[[str], Store]]:
    clients: list[Store] = []

    def open_client(url: str) -> Store:
        clients.append(MongoClient(url, serverSelectionTimeoutMS=10_000))
        return clients[-1]

    yield open_client
    for client in clients:
        client.close()


def test_a_client_without_credentials_can_neither_read_nor_write_any_database(
    system: RunningSystem, connect: Callable[[str], Store]
) -> None:
    store = connect(anonymous(system.infrastructure.mongodb_url))

    for process in OWNERS:
        database = store[database_of(system, process)]
        assert refused(database["accounts"].find_one), process
        assert refused(database["manager_rights"].insert_one, {"siret": "00000000000000"}), process
        assert refused(database.list_collection_names), process
    assert refused(store.list_database_names)


def test_the_notification_credentials_cannot_grant_a_manager_right(
    system: RunningSystem, connect: Callable[[str], Store]
) -> None:
    store = connect(url_of(system, "notification"))
    habilitation = database_of(system, "habilitation")
    forged = {"_id": f"forged-{uuid.uuid4().hex}", "account_id": "attacker", "siret": "00001011600019"}
    rights = store[habilitation]["manager_rights"]

    assert refused(lambda: rights.insert_one(forged))
    assert refused(lambda: rights.update_many({}, {"$set": {"account_id": "attacker"}}))
    # MongoDB 8's cross-namespace bulkWrite, which SecantusDB 0.7.0b3 did not check (devstack closes it).
    assert refused(lambda: store.bulk_write([InsertOne(forged, namespace=f"{habilitation}.manager_rights")]))
    admin = connect(system.infrastructure.mongodb_url)
    assert admin[habilitation]["manager_rights"].count_documents({"_id": forged["_id"]}) == 0


def test_the_notification_credentials_cannot_read_identity_outboxes(
    system: RunningSystem, client: httpx.Client, connect: Callable[[str], Store]
) -> None:
    start_registration(client, unique_email())  # a registration, its code e-mail in its outbox
    store = connect(url_of(system, "notification"))
    identity = store[database_of(system, "identity")]

    assert refused(lambda: identity["registrations"].find_one())
    assert refused(lambda: list(identity["password_resets"].aggregate([{"$match": {}}])))
    assert refused(identity.list_collection_names)


@pytest.mark.parametrize("process", OWNERS)
def test_each_service_uses_its_own_database_and_no_other(
    system: RunningSystem, connect: Callable[[str], Store], process: str
) -> None:
    store = connect(url_of(system, process))
    own = store[database_of(system, process)]["store_access_probe"]

    inserted = own.insert_one({"probe": process}).inserted_id
    assert own.find_one({"_id": inserted}) == {"_id": inserted, "probe": process}
    own.delete_one({"_id": inserted})
    for other in OWNERS:
        if other != process:
            database = store[database_of(system, other)]
            assert refused(database["accounts"].find_one), other
            assert refused(database["store_access_probe"].insert_one, {"probe": process}), other


def test_the_gateway_which_keeps_no_data_can_do_nothing_in_the_store(
    system: RunningSystem, connect: Callable[[str], Store]
) -> None:
    store = connect(url_of(system, "gateway"))

    for process in OWNERS:
        assert refused(store[database_of(system, process)]["accounts"].find_one), process
