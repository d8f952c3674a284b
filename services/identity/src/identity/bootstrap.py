"""Composition root: the only place that names concrete adapters."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from faststream.rabbit import RabbitBroker
from pymongo import AsyncMongoClient

from efp_runtime import idempotency
from efp_runtime.mongo import IndexSpec, create_mongo_client
from efp_runtime.outbox import OutboxRelay
from identity.adapters import mongo_captcha_repository, mongo_registration_repository
from identity.adapters.hmac_secret_hasher import HmacSecretHasher
from identity.adapters.mongo_captcha_repository import MongoCaptchaRepository
from identity.adapters.mongo_registration_repository import MongoRegistrationRepository
from identity.adapters.svg_captcha_renderer import SvgCaptchaRenderer
from identity.config import IdentitySettings
from identity.use_cases.create_captcha import CreateCaptcha
from identity.use_cases.get_captcha_image import GetCaptchaImage
from identity.use_cases.solve_captcha import SolveCaptcha
from identity.use_cases.start_registration import StartRegistration
from identity.use_cases.verify_registration_code import VerifyRegistrationCode

INDEXES: list[IndexSpec] = (
    mongo_captcha_repository.INDEXES + mongo_registration_repository.INDEXES + idempotency.INDEXES
)


@dataclass(frozen=True)
class Identity:
    """The service's wired use cases and the resources main.py starts and stops."""

    mongo: AsyncMongoClient[dict[str, Any]]
    relay: OutboxRelay
    create_captcha: CreateCaptcha
    get_captcha_image: GetCaptchaImage
    start_registration: StartRegistration
    verify_registration_code: VerifyRegistrationCode


def _utc_now() -> datetime:
    return datetime.now(UTC)


def build(settings: IdentitySettings, broker: RabbitBroker, clock: Callable[[], datetime] = _utc_now) -> Identity:
    mongo = create_mongo_client(settings.mongodb_url)
    database = mongo[settings.database]
    registrations_collection = database[mongo_registration_repository.COLLECTION]
    relay = OutboxRelay(broker, [registrations_collection], settings.outbox_poll_seconds)
    hasher = HmacSecretHasher(settings.secret_key.get_secret_value().encode())
    captchas = MongoCaptchaRepository(database[mongo_captcha_repository.COLLECTION])
    registrations = MongoRegistrationRepository(registrations_collection, relay)
    solve_captcha = SolveCaptcha(captchas, hasher, clock, settings.captcha_test_answer)
    return Identity(
        mongo=mongo,
        relay=relay,
        create_captcha=CreateCaptcha(captchas, SvgCaptchaRenderer(), hasher, clock),
        get_captcha_image=GetCaptchaImage(captchas, clock),
        start_registration=StartRegistration(registrations, solve_captcha, hasher, clock),
        verify_registration_code=VerifyRegistrationCode(registrations, hasher, clock),
    )
