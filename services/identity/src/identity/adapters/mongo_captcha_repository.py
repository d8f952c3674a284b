"""Captchas in MongoDB; a TTL index deletes them once expired (they have no audit value)."""

from datetime import datetime
from typing import Any

from pymongo import ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection

from efp_runtime.mongo import IndexSpec
from identity.domain.captcha import Captcha

COLLECTION = "captchas"
INDEXES = [IndexSpec(COLLECTION, [("expires_at", 1)], expire_after_seconds=0)]


class MongoCaptchaRepository:
    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self._collection = collection

    async def add(self, captcha: Captcha) -> None:
        await self._collection.insert_one(
            {
                "_id": captcha.id,
                "answer_hash": captcha.answer_hash,
                "image_png": captcha.image_png,  # bytes: stored as BSON binary
                "text": captcha.text,
                "expires_at": captcha.expires_at,
                "used_at": None,
            }
        )

    async def get(self, captcha_id: str, *, with_audio: bool = False) -> Captcha | None:
        # The recording weighs some 600 KB: read it only for the audio request.
        doc = await self._collection.find_one({"_id": captcha_id}, None if with_audio else {"audio_wav": 0})
        return _captcha(doc) if doc else None

    async def keep_audio(self, captcha_id: str, audio_wav: bytes) -> None:
        # Conditional: never on a used captcha (it forgot what reveals its answer), never over the first one.
        await self._collection.update_one(
            {"_id": captcha_id, "used_at": None, "audio_wav": {"$exists": False}}, {"$set": {"audio_wav": audio_wav}}
        )

    async def use(self, captcha_id: str, at: datetime) -> Captcha | None:
        """Atomically mark it used; returns it as it was before, or None if used already."""
        doc = await self._collection.find_one_and_update(
            {"_id": captcha_id, "used_at": None},
            # A used captcha is never shown again: forget what reveals its answer now,
            # rather than when the TTL index deletes the document.
            {"$set": {"used_at": at}, "$unset": {"image_png": "", "text": "", "audio_wav": ""}},
            # Its recording is not needed to check the answer.
            projection={"audio_wav": 0},
            return_document=ReturnDocument.BEFORE,
        )
        return _captcha(doc) if doc else None


def _captcha(doc: dict[str, Any]) -> Captcha:
    return Captcha(
        id=doc["_id"],
        answer_hash=doc["answer_hash"],
        # Absent once used (see `use`), and in documents written before the PNG (the SVG era).
        image_png=bytes(doc.get("image_png", b"")),
        expires_at=doc["expires_at"],
        used_at=doc.get("used_at"),
        text=doc.get("text", ""),
        audio_wav=bytes(doc["audio_wav"]) if doc.get("audio_wav") else None,
    )
