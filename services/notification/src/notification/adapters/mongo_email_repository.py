"""E-mails in MongoDB, keyed by the id of the message that asked for them."""

import uuid
from typing import Any

from pymongo import UpdateOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError, OperationFailure

from efp_runtime.mongo import IndexSpec
from efp_runtime.state_machine import Transition
from efp_runtime.store_outage import until_store_answers
from notification.adapters.group_commit import GroupCommit
from notification.domain.email import AbandonReason, Attempt, Email, EmailState

COLLECTION = "emails"
# Few indexes on purpose: creating an e-mail writes an entry in each besides `_id` (account_id and
# siren are written null when absent, and sparse skips only missing fields), five since issue 15
# added `to` and the partial body index, plus one per account in `mentions` (none when there are none).
# The state updates after that change only `state`, `abandon_reason`, `attempts` and `history`: they
# touch the (state, created_at) index alone (an index whose keys did not change is left as is). An
# erasure changes `to` and `masked_text`: those two indexes once more, once per e-mail. (bench/emails.py,
# 1,000 e-mails on a shared 2-core machine: 252/s and 3.0 ms of store CPU per e-mail before, 236/s and
# 3.1 ms after in the quieter of two runs: within the noise there, not measured on a quiet one.)
INDEXES = [
    IndexSpec(COLLECTION, [("account_id", 1), ("created_at", -1)], sparse=True),  # the account's history
    IndexSpec(COLLECTION, [("siren", 1), ("created_at", -1)], sparse=True),  # the organisation's history
    # Abandoned e-mails, e-mails stuck sending, the metadata retention (done e-mails by age).
    IndexSpec(COLLECTION, [("state", 1), ("created_at", 1)]),
    # The e-mails mentioning an account (a requester named to the managers…): erased at its deletion.
    # Multikey, and sparse: `mentions` is written only when there are some.
    IndexSpec(COLLECTION, [("mentions", 1)], sparse=True),
    # By address: at an account's deletion, the e-mails sent to it before it existed (sign-up codes).
    IndexSpec(COLLECTION, [("to", 1)]),
    # The bodies still kept, by age: the body retention reads only those, never the erased ones
    # (which stay in the (state, created_at) index for two more years).
    IndexSpec(
        COLLECTION,
        [("created_at", 1)],
        options={"name": "body_kept_created_at", "partialFilterExpression": {"masked_text": {"$gt": ""}}},
    ),
]
NEWEST_FIRST = [("created_at", -1), ("_id", -1)]
MUTABLE_FIELDS = ("state", "abandon_reason", "attempts", "history")
# Written too once erased (the last e-mail of an account, or one marked while on its way).
ERASED_FIELDS = ("to", "masked_text", "erased_at", "erase_when_done")
DUPLICATE_KEY = 11000


class MongoEmailRepository:
    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self._collection = collection
        # E-mails written at the same time are written together (see group_commit.py).
        self._inserts: GroupCommit[Email, bool] = GroupCommit(self._insert_many)
        self._updates: GroupCommit[Email, bool] = GroupCommit(self._update_many)

    async def add(self, email: Email) -> bool:
        if not await self._inserts.submit(email):
            return False
        email.version = 1
        return True

    async def _insert_many(self, emails: list[Email]) -> list[bool | Exception]:
        """True for each inserted, False for each whose id exists already."""
        results: list[bool | Exception] = [True] * len(emails)
        try:
            await self._collection.insert_many([{**_document(e), "version": 1} for e in emails], ordered=False)
        except BulkWriteError as failure:
            if failure.details.get("writeConcernErrors"):
                raise
            for error in failure.details.get("writeErrors", []):
                duplicate = error["code"] == DUPLICATE_KEY
                results[error["index"]] = (
                    False if duplicate else OperationFailure(error.get("errmsg", ""), error["code"])
                )
        return results

    async def get(self, email_id: str) -> Email | None:
        doc = await self._collection.find_one({"_id": email_id})
        return _email(doc) if doc else None

    async def update(self, email: Email) -> bool:
        if not await self._updates.submit(email):
            return False
        email.version += 1
        return True

    async def _update_many(self, emails: list[Email]) -> list[bool | Exception]:
        """Each saved if unchanged since read (version check); True for those saved."""
        # Only what changes after creation: smaller writes, and the masked text is written once.
        # Each write leaves a token: if not every one matched, the token tells which did.
        tokens = [uuid.uuid4().hex for _ in emails]
        writes = [_checked_write(e, token) for e, token in zip(emails, tokens, strict=True)]
        # Sent again, the same writes with the same tokens, while the store is away: a `sent` after the
        # SMTP server's acceptance must not be lost (the e-mail would go out twice); a write the store did
        # before its answer was lost matches nothing the second time, and its token below says it was saved.
        result = await until_store_answers(
            lambda: self._collection.bulk_write(writes, ordered=False), "saving e-mail states"
        )
        if result.modified_count == len(emails):
            return [True] * len(emails)
        written = {
            doc["_id"]: doc
            async for doc in self._collection.find(
                {"_id": {"$in": [e.id for e in emails]}}, {"last_write": 1, "version": 1, "erase_when_done": 1}
            )
        }
        saved: list[bool | Exception] = []
        for e, token in zip(emails, tokens, strict=True):
            doc = written.get(e.id, {})
            if doc.get("last_write") == token:
                saved.append(True)
            elif doc.get("version") == e.version and doc.get("erase_when_done") and e.done:
                saved.append(await self._save_erased(e, token))
            else:
                saved.append(False)
        return saved

    async def _save_erased(self, e: Email, token: str) -> bool:
        """A final state refused only because the e-mail was marked meanwhile (its account deleted while
        it was on its way): saved erased, and erased in the caller's hands too (so it is not parked).
        Rare: only e-mails in flight at a deletion pay this read and write."""
        e.erase_when_done = True
        e.erase(e.history[-1].at)
        result = await self._collection.update_one({"_id": e.id, "version": e.version}, _update(e, token))
        return result.matched_count == 1

    async def list_for_account(self, account_id: str, limit: int, before: Email | None) -> list[Email]:
        return await self._history({"account_id": account_id}, limit, before)

    async def list_for_organisation(self, siren: str, limit: int, before: Email | None) -> list[Email]:
        return await self._history({"siren": siren}, limit, before)

    async def count_for_account(self, account_id: str) -> int:
        return await self._collection.count_documents({"account_id": account_id})

    async def count_for_organisation(self, siren: str) -> int:
        return await self._collection.count_documents({"siren": siren})

    async def _history(self, query: dict[str, Any], limit: int, before: Email | None) -> list[Email]:
        if before is not None:
            query["$or"] = [
                {"created_at": {"$lt": before.created_at}},
                {"created_at": before.created_at, "_id": {"$lt": before.id}},
            ]
        return [_email(doc) async for doc in self._collection.find(query).sort(NEWEST_FIRST).limit(limit)]

    async def list_abandoned(self, limit: int) -> list[Email]:
        cursor = self._collection.find({"state": EmailState.ABANDONED.value}).sort(NEWEST_FIRST).limit(limit)
        return [_email(doc) async for doc in cursor]


def _checked_write(e: Email, token: str) -> UpdateOne:
    """The state update, saved only if the e-mail is unchanged since read (its version). A final state not
    erased in the process is saved only if the e-mail was not marked `erase_when_done` meanwhile (a marked
    one is then saved erased, `_save_erased`).

    The check is in the update, the document left as it is when it fails, not in the filter: SecantusDB
    finds a document by `_id` alone through its primary key at once, but plans any other filter first
    (measured: 1.51 -> 1.28 ms of its CPU per update). A saved write always changes the document (a new
    token), a refused one changes nothing: the modified count says whether all were saved. The fields
    go in as a literal: an SMTP reply or a reason may begin with `$`.
    """
    unchanged: dict[str, Any] = {"$eq": ["$version", e.version]}
    if e.done and e.erased_at is None:
        unchanged = {"$and": [unchanged, {"$ne": ["$erase_when_done", True]}]}
    fields = {"$literal": {**_mutable_fields(e), "last_write": token}}
    saved = {"$mergeObjects": ["$$ROOT", fields, {"version": {"$add": ["$version", 1]}}]}
    return UpdateOne({"_id": e.id}, [{"$replaceWith": {"$cond": [unchanged, saved, "$$ROOT"]}}])


def _update(e: Email, token: str) -> dict[str, Any]:
    return {"$set": {**_mutable_fields(e), "last_write": token}, "$inc": {"version": 1}}


def _mutable_fields(e: Email) -> dict[str, Any]:
    document = _document(e)
    names = (*MUTABLE_FIELDS, *ERASED_FIELDS) if e.erased_at is not None else MUTABLE_FIELDS
    return {name: document.get(name) for name in names}


def _document(e: Email) -> dict[str, Any]:
    return {
        "_id": e.id,
        "to": e.to,
        "template": e.template,
        "subject": e.subject,
        "masked_text": e.masked_text,
        "correlation_id": e.correlation_id,
        "created_at": e.created_at,
        "account_id": e.account_id,
        "siren": e.siren,
        # Only when there are some, and only when set: the sparse index and the common document stay small.
        **({"mentions": e.mentions} if e.mentions else {}),
        **({"erase_when_done": True} if e.erase_when_done else {}),
        **({"erased_at": e.erased_at} if e.erased_at else {}),
        "state": e.state.value,
        "abandon_reason": e.abandon_reason.value if e.abandon_reason else None,
        "attempts": [{"at": a.at, "outcome": a.outcome, "reply": a.reply} for a in e.attempts],
        "history": [
            {"at": h.at, "trigger": h.trigger, "source": h.source, "dest": h.dest, "reason": h.why or ""}
            for h in e.history
        ],
    }


def _email(doc: dict[str, Any]) -> Email:
    return Email(
        id=doc["_id"],
        to=doc["to"],
        template=doc["template"],
        subject=doc["subject"],
        masked_text=doc["masked_text"],
        correlation_id=doc["correlation_id"],
        created_at=doc["created_at"],
        account_id=doc.get("account_id"),
        siren=doc.get("siren"),
        mentions=list(doc.get("mentions") or []),
        erase_when_done=bool(doc.get("erase_when_done")),
        erased_at=doc.get("erased_at"),
        state=EmailState(doc["state"]),
        abandon_reason=AbandonReason(doc["abandon_reason"]) if doc.get("abandon_reason") else None,
        attempts=[Attempt(a["at"], a["outcome"], a["reply"]) for a in doc["attempts"]],
        history=[
            Transition(h["at"], h["trigger"], h["source"], h["dest"], why=h.get("reason") or None)
            for h in doc["history"]
        ],
        version=doc["version"],
    )


def email_of(doc: dict[str, Any]) -> Email:
    """An e-mail as stored (for the erasure, which reads the done e-mails it erases)."""
    return _email(doc)


def changed_fields(e: Email) -> dict[str, Any]:
    """What a write after creation sets: the state and its story, and the erased fields once erased."""
    return _mutable_fields(e)
