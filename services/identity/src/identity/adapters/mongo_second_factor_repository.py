"""The second factors in MongoDB: one document per account (`_id` = account id), in identity's database.

    {_id, version,
     totp: {secret: <Fernet token>, since, last_step} | null,
     pending_totp: {secret, since} | null,
     passkeys: [{id, public_key: <binary>, sign_count, name, created_at, last_used_at}],
     recovery_codes: [<HMAC hex>],
     registration: {challenge: <binary>, expires_at} | null,
     outbox: [...]}

Enrolment changes are whole-document writes checked on `version`. The single uses are one conditional
update each, whose filter holds the rule (a later step, the code still listed, the sign count still the
one verified against): of two concurrent uses exactly one matches, and each bumps `version`, so a
stale enrolment write cannot put a spent code back. The security notices (« double authentification
modifiée », a recovery code used) go in the document's outbox by the write of the change.
"""

from datetime import datetime
from typing import Any

from bson import Binary
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from efp_runtime.aggregate_store import AggregateStore, StaleAggregate
from efp_runtime.mongo import IndexSpec
from efp_runtime.outbox import OUTBOX_FIELD, OutboxMessage, OutboxRelay, pending_messages
from identity.domain.errors import Conflict
from identity.domain.second_factor import Passkey, SealedTotp, SecondFactors
from identity.domain.session import Challenge

COLLECTION = "second_factors"
# Looked up by `_id`; a passkey's credential id is unique per account (checked by the aggregate). The relay
# finds the documents with an outbox.
INDEXES = [IndexSpec(COLLECTION, [(f"{OUTBOX_FIELD}.message_id", 1)], sparse=True)]


def _totp(doc: dict[str, Any] | None) -> SealedTotp | None:
    return SealedTotp(doc["secret"], doc["since"], doc.get("last_step")) if doc else None


def _factors(doc: dict[str, Any]) -> SecondFactors:
    registration = doc.get("registration")
    return SecondFactors(
        account_id=doc["_id"],
        totp=_totp(doc.get("totp")),
        pending_totp=_totp(doc.get("pending_totp")),
        passkeys=[
            Passkey(
                id=p["id"],
                public_key=bytes(p["public_key"]),
                sign_count=p["sign_count"],
                name=p["name"],
                created_at=p["created_at"],
                last_used_at=p.get("last_used_at"),
            )
            for p in doc.get("passkeys") or []
        ],
        recovery_code_hashes=list(doc.get("recovery_codes") or []),
        registration=Challenge(bytes(registration["challenge"]), registration["expires_at"]) if registration else None,
        version=doc["version"],
    )


def _document(factors: SecondFactors) -> dict[str, Any]:
    totp, pending, registration = factors.totp, factors.pending_totp, factors.registration
    return {
        "totp": {"secret": totp.sealed_secret, "since": totp.since, "last_step": totp.last_step} if totp else None,
        "pending_totp": {"secret": pending.sealed_secret, "since": pending.since} if pending else None,
        "passkeys": [
            {
                "id": p.id,
                "public_key": Binary(p.public_key),
                "sign_count": p.sign_count,
                "name": p.name,
                "created_at": p.created_at,
                "last_used_at": p.last_used_at,
            }
            for p in factors.passkeys
        ],
        "recovery_codes": list(factors.recovery_code_hashes),
        "registration": (
            {"challenge": Binary(registration.value), "expires_at": registration.expires_at} if registration else None
        ),
    }


class MongoSecondFactorRepository:
    def __init__(self, collection: AsyncCollection[dict[str, Any]], relay: OutboxRelay | None) -> None:
        self._collection = collection
        self._relay = relay
        self._store = AggregateStore(collection, relay)

    async def get(self, account_id: str) -> SecondFactors:
        doc = await self._store.find_one({"_id": account_id})
        return _factors(doc) if doc else SecondFactors(account_id)

    async def enrolled(self, account_id: str) -> bool:
        doc = await self._collection.find_one({"_id": account_id}, {"totp": 1, "passkeys": {"$slice": 1}})
        return doc is not None and (doc.get("totp") is not None or bool(doc.get("passkeys")))

    async def save(self, factors: SecondFactors, messages: list[OutboxMessage]) -> None:
        try:
            if factors.version == 0:
                await self._store.insert(factors.account_id, _document(factors), messages)
            else:
                await self._store.update(factors.account_id, factors.version, _document(factors), messages)
        except (DuplicateKeyError, StaleAggregate) as error:
            raise Conflict() from error
        factors.version += 1

    async def accept_totp_step(self, account_id: str, sealed_secret: str, step: int) -> bool:
        result = await self._collection.update_one(
            {
                "_id": account_id,
                "totp.secret": sealed_secret,
                "$or": [{"totp.last_step": None}, {"totp.last_step": {"$lt": step}}],
            },
            {"$set": {"totp.last_step": step}, "$inc": {"version": 1}},
        )
        return result.modified_count == 1

    async def use_recovery_code(self, account_id: str, code_hash: str, messages: list[OutboxMessage]) -> bool:
        update: dict[str, Any] = {"$pull": {"recovery_codes": code_hash}, "$inc": {"version": 1}}
        if messages:
            update["$push"] = {OUTBOX_FIELD: {"$each": pending_messages(messages)}}
        result = await self._collection.update_one({"_id": account_id, "recovery_codes": code_hash}, update)
        used = result.modified_count == 1
        if used and messages and self._relay is not None:
            self._relay.kick(COLLECTION, account_id, messages)
        return used

    async def passkey_used(
        self, account_id: str, passkey_id: str, seen_sign_count: int, new_sign_count: int, at: datetime
    ) -> bool:
        result = await self._collection.update_one(
            {"_id": account_id, "passkeys": {"$elemMatch": {"id": passkey_id, "sign_count": seen_sign_count}}},
            {
                "$set": {"passkeys.$.sign_count": new_sign_count, "passkeys.$.last_used_at": at},
                "$inc": {"version": 1},
            },
        )
        return result.modified_count == 1
