"""An e-mail the SMTP server accepted is saved `sent` even when the store drops the write's answer: the
same write is sent again once the store answers, so the e-mail is never found `sending` and sent twice."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from pymongo.errors import AutoReconnect

from efp_runtime import store_outage
from notification.adapters.mongo_email_repository import MongoEmailRepository
from notification.domain.email import Email, EmailState

T0 = datetime(2026, 12, 6, 21, 0, tzinfo=UTC)


class Documents:
    """Async iteration over found documents, as a cursor gives them."""

    def __init__(self, docs: list[dict[str, Any]]) -> None:
        self._docs = docs

    def __aiter__(self) -> AsyncIterator[dict[str, Any]]:
        return self._each()

    async def _each(self) -> AsyncIterator[dict[str, Any]]:
        for doc in self._docs:
            yield doc


def checked_write(update: Any) -> tuple[int, dict[str, Any]]:
    """The version an update pipeline requires and the fields it then sets (its `$replaceWith` shape)."""
    unchanged, saved, _ = update._doc[0]["$replaceWith"]["$cond"]
    checks = unchanged.get("$and", [unchanged])
    version = next(check["$eq"][1] for check in checks if "$eq" in check)
    return version, saved["$mergeObjects"][1]["$literal"]


class OutageCollection:
    """The e-mails by id; the first `lost_answers` bulk writes are applied, then their answer is lost
    (the store killed between its write and its reply), the next `refused` ones are refused outright."""

    def __init__(self, lost_answers: int = 0, refused: int = 0) -> None:
        self.docs: dict[str, dict[str, Any]] = {}
        self.lost_answers, self.refused = lost_answers, refused
        self.writes = 0

    async def bulk_write(self, requests: list[Any], ordered: bool) -> SimpleNamespace:
        self.writes += 1
        if self.refused and not self.lost_answers:
            self.refused -= 1
            raise AutoReconnect("127.0.0.1:27017: connection refused")
        matched = modified = 0
        for update in requests:
            doc = self.docs.get(update._filter["_id"])
            matched += doc is not None
            version, fields = checked_write(update)
            if doc is not None and doc["version"] == version:
                doc.update(fields)
                doc["version"] += 1
                modified += 1
        if self.lost_answers:
            self.lost_answers -= 1
            raise AutoReconnect("127.0.0.1:27017: connection reset by peer")
        return SimpleNamespace(matched_count=matched, modified_count=modified)

    def find(self, query: dict[str, Any], projection: dict[str, int]) -> Documents:
        return Documents([dict(self.docs[i]) for i in query["_id"]["$in"] if i in self.docs])


@pytest.fixture(autouse=True)
def no_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    """No second between attempts here (the defaults are bound when the function is defined)."""
    monkeypatch.setattr(
        store_outage.until_store_answers,
        "__kwdefaults__",
        {**(store_outage.until_store_answers.__kwdefaults__ or {}), "pause": 0.0},
    )


def sending(collection: OutageCollection) -> Email:
    email = Email("m-1", "ada@example.fr", "account_created", "Créé", "••••••", "corr", T0, account_id="a-1")
    email.start_sending(T0)
    email.version = 1
    collection.docs["m-1"] = {"_id": "m-1", "version": 1, "state": "sending"}
    return email


@pytest.mark.parametrize(("lost_answers", "refused"), [(1, 0), (0, 2), (1, 1)])
async def test_sent_is_saved_once_the_store_answers_again(lost_answers: int, refused: int) -> None:
    collection = OutageCollection(lost_answers, refused)
    email = sending(collection)
    email.sent(T0, "250 OK")

    saved = await MongoEmailRepository(collection).update(email)  # type: ignore[arg-type]

    assert saved
    assert collection.docs["m-1"]["state"] == EmailState.SENT.value
    assert collection.docs["m-1"]["version"] == 2
    assert collection.writes == 1 + lost_answers + refused
