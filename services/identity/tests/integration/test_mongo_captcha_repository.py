"""Captchas against the real MongoDB-wire store: the recording kept once, read only when asked, dropped on use."""

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo.asynchronous.collection import AsyncCollection

from devstack.pytest_plugin import Infrastructure
from efp_runtime.mongo import create_mongo_client, ensure_indexes
from identity.adapters.mongo_captcha_repository import COLLECTION, INDEXES, MongoCaptchaRepository
from identity.domain.captcha import Captcha

pytestmark = pytest.mark.integration
NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
async def collection(infrastructure: Infrastructure) -> AsyncIterator[AsyncCollection[dict[str, Any]]]:
    client = create_mongo_client(infrastructure.mongodb_url)
    database = client[f"{infrastructure.database_prefix}captchas_{uuid.uuid4().hex[:8]}"]
    await ensure_indexes(database, INDEXES)
    yield database[COLLECTION]
    await client.drop_database(database.name)
    await client.close()


@pytest.fixture
async def captchas(collection) -> MongoCaptchaRepository:
    repository = MongoCaptchaRepository(collection)
    await repository.add(Captcha("c-1", "hash", b"png", NOW + timedelta(minutes=10), text="AC34DX"))
    return repository


async def test_the_first_recording_is_kept_and_read_only_when_asked(captchas) -> None:
    await captchas.keep_audio("c-1", b"RIFF first")
    await captchas.keep_audio("c-1", b"RIFF second")

    with_audio = await captchas.get("c-1", with_audio=True)
    without = await captchas.get("c-1")

    assert with_audio is not None
    assert with_audio.audio_wav == b"RIFF first"
    assert without is not None
    assert (without.audio_wav, without.image_png) == (None, b"png")


async def test_using_the_captcha_drops_its_recording_and_none_is_kept_after(captchas, collection) -> None:
    await captchas.keep_audio("c-1", b"RIFF first")

    used = await captchas.use("c-1", NOW)
    await captchas.keep_audio("c-1", b"RIFF late")

    assert used is not None
    assert used.text == "AC34DX"
    stored = await collection.find_one({"_id": "c-1"})
    assert stored is not None
    assert {"audio_wav", "text", "image_png"}.isdisjoint(stored)
