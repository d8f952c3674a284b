"""A person's data in the e-mails kept, through the running system: a deleted account's e-mails lose their
body and address (identity.account.deleted.v1, published here as identity would). The retention is
tests/privacy/test_retention.py's (it moves notification's own clock, after every other test)."""

import asyncio
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from bson import json_util
from pymongo import MongoClient
from pymongo.collection import Collection

from contracts.privacy import AccountDeletedV1
from contracts.topology import EVENTS_EXCHANGE
from devstack.mail_recorder import MailRecorder
from devstack.pytest_plugin import RunningSystem
from efp_runtime.polling import eventually_sync
from tests.e2e.journeys import create_account, log_in, unique_email
from tests.e2e.test_email_delivery import publish

pytestmark = pytest.mark.e2e
Record = dict[str, Any]


@pytest.fixture(scope="module")
def emails(system: RunningSystem) -> Iterator[Collection[Record]]:
    client: MongoClient[Record] = MongoClient(system.infrastructure.mongodb_url, tz_aware=True)
    yield client[system.env["NOTIFICATION_DATABASE"]]["emails"]
    client.close()


def records(emails: Collection[Record], query: Record, count: int, what: str, **condition: Any) -> list[Record]:
    """Poll until `count` records match `query` and every one has the fields of `condition`."""

    def found() -> list[Record]:
        return list(emails.find(query))

    def ready(items: list[Record]) -> bool:
        return len(items) == count and all(item.get(k) == v for item in items for k, v in condition.items())

    return eventually_sync(found, ready, within=20, every=0.2, what=what)


def test_a_deleted_accounts_emails_lose_body_and_address_and_its_history_shows_them_empty(
    system: RunningSystem, client: httpx.Client, mail_server: MailRecorder, emails: Collection[Record]
) -> None:
    address = unique_email()
    account_id = create_account(client, mail_server, address)
    # The sign-up code (sent before the account existed, found by address) and « compte créé ».
    ids = [r["_id"] for r in records(emails, {"to": address}, 2, "the two e-mails of the sign-up", state="sent")]
    assert log_in(client, address).status_code == 200
    deleted = AccountDeletedV1(account_id=account_id, email=address, deleted_at=datetime.now(UTC))

    asyncio.run(
        publish(
            system,
            EVENTS_EXCHANGE,
            deleted.MESSAGE_TYPE,
            [(f"deleted-{uuid.uuid4().hex}", deleted.model_dump_json().encode())],
            as_user="identity",
        )
    )

    erased = records(emails, {"_id": {"$in": ids}}, 2, "the e-mails erased", to="")
    assert all(r["masked_text"] == "" and r["erased_at"] is not None for r in erased)
    assert {r["template"] for r in erased} == {"signup_verification_code", "account_created"}
    assert emails.count_documents({"to": address}) == 0
    # Nor anywhere else in the service's store (the rate budgets were keyed by it).
    database = emails.database
    holding = [
        f"{name}.{doc['_id']}"
        for name in database.list_collection_names()
        for doc in database[name].find()
        if address.casefold() in json_util.dumps(doc).casefold()
    ]
    assert holding == []
    # Identity was not told here, so the session still works: the history shows the e-mails, bodies empty.
    history = client.get("/api/v1/me/messages")
    assert history.status_code == 200, history.text
    assert [item["text"] for item in history.json()["items"]] == [""]
