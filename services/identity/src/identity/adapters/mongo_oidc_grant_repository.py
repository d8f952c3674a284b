"""Authorization codes and access tokens in MongoDB, keyed by the SHA-256 of their value.

Both are TTL-deleted a day after they end: a code replayed within that day is still recognised
as a replay (and revokes its tokens); after it, it is merely unknown.
"""

from datetime import datetime, timedelta
from typing import Any

from pymongo import ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection

from efp_runtime.mongo import IndexSpec
from identity.domain.oidc import PASSWORD_AMR, AccessToken, AuthorizationCode, GrantedHabilitation

CODES = "oidc_codes"
TOKENS = "oidc_tokens"
KEPT = timedelta(days=1)
INDEXES = [
    IndexSpec(CODES, [("delete_at", 1)], expire_after_seconds=0),
    IndexSpec(TOKENS, [("delete_at", 1)], expire_after_seconds=0),
    IndexSpec(TOKENS, [("code_id", 1)]),
]


def _code(doc: dict[str, Any]) -> AuthorizationCode:
    return AuthorizationCode(
        id=doc["_id"],
        client_id=doc["client_id"],
        account_id=doc["account_id"],
        session_id=doc["session_id"],
        redirect_uri=doc["redirect_uri"],
        scope=tuple(doc["scope"]),
        nonce=doc.get("nonce"),
        code_challenge=doc["code_challenge"],
        auth_time=doc["auth_time"],
        created_at=doc["created_at"],
        habilitations=tuple(
            GrantedHabilitation(
                h["role"], h["siret"], datetime.fromisoformat(h["end_date"]).date() if h["end_date"] else None
            )
            for h in doc.get("habilitations") or []
        ),
        redeemed_at=doc.get("redeemed_at"),
        amr=tuple(doc.get("amr") or PASSWORD_AMR),
        sso_id=doc.get("sso_id"),
    )


class MongoAuthorizationCodeRepository:
    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self._collection = collection

    async def add(self, code: AuthorizationCode) -> None:
        await self._collection.insert_one(
            {
                "_id": code.id,
                "client_id": code.client_id,
                "account_id": code.account_id,
                "session_id": code.session_id,
                "redirect_uri": code.redirect_uri,
                "scope": list(code.scope),
                "nonce": code.nonce,
                "code_challenge": code.code_challenge,
                "auth_time": code.auth_time,
                "created_at": code.created_at,
                "habilitations": [
                    {"role": h.role, "siret": h.siret, "end_date": h.end_date.isoformat() if h.end_date else None}
                    for h in code.habilitations
                ],
                "redeemed_at": None,
                "amr": list(code.amr),
                "sso_id": code.sso_id,
                "delete_at": code.expires_at + KEPT,
            }
        )

    async def redeem(self, code_id: str, client_id: str, at: datetime) -> tuple[AuthorizationCode | None, bool]:
        # One conditional write: of two concurrent redemptions exactly one sees `redeemed_at` empty.
        before = await self._collection.find_one_and_update(
            {"_id": code_id, "client_id": client_id},
            {"$set": {"redeemed_at": at}},
            return_document=ReturnDocument.BEFORE,
        )
        if before is None:
            return None, False
        return _code(before), before.get("redeemed_at") is None


class MongoAccessTokenRepository:
    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self._collection = collection

    async def add(self, token: AccessToken) -> None:
        await self._collection.insert_one(
            {
                "_id": token.id,
                "client_id": token.client_id,
                "account_id": token.account_id,
                "session_id": token.session_id,
                "code_id": token.code_id,
                "scope": list(token.scope),
                "created_at": token.created_at,
                "revoked_at": None,
                "delete_at": token.expires_at + KEPT,
            }
        )

    async def get(self, token_id: str) -> AccessToken | None:
        doc = await self._collection.find_one({"_id": token_id})
        if doc is None:
            return None
        return AccessToken(
            id=doc["_id"],
            client_id=doc["client_id"],
            account_id=doc["account_id"],
            session_id=doc["session_id"],
            code_id=doc["code_id"],
            scope=tuple(doc["scope"]),
            created_at=doc["created_at"],
            revoked_at=doc.get("revoked_at"),
        )

    async def revoke(self, token_id: str, at: datetime) -> None:
        await self._collection.update_one({"_id": token_id, "revoked_at": None}, {"$set": {"revoked_at": at}})

    async def revoke_issued_by(self, code_id: str, at: datetime) -> int:
        result = await self._collection.update_many(
            {"code_id": code_id, "revoked_at": None}, {"$set": {"revoked_at": at}}
        )
        return result.modified_count
