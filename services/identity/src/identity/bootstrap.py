"""Composition root: the only place that names concrete adapters; `identity.composition` wires the use cases."""

import asyncio
from datetime import UTC, datetime, timedelta

from faststream.rabbit import RabbitBroker

from efp_runtime.mongo import IndexSpec, create_mongo_client, ensure_indexes, store_answers
from efp_runtime.outbox import OutboxRelay
from efp_runtime.rpc import RpcClient
from identity.adapters import (
    mongo_account_lifecycle,
    mongo_account_repository,
    mongo_captcha_repository,
    mongo_keyring_store,
    mongo_login_failure_log,
    mongo_oidc_client_repository,
    mongo_oidc_grant_repository,
    mongo_organisation_directory,
    mongo_password_reset_repository,
    mongo_rate_limiter,
    mongo_registration_repository,
    mongo_second_factor_repository,
    mongo_session_repository,
)
from identity.adapters.argon2_password_hasher import Argon2PasswordHasher
from identity.adapters.common_password_list import CommonPasswordList
from identity.adapters.espeak_captcha_voice import EspeakCaptchaVoice
from identity.adapters.fernet_secret_box import FernetSecretBox
from identity.adapters.hmac_secret_hasher import HmacSecretHasher
from identity.adapters.httpx_logout_sender import HttpxLogoutSender
from identity.adapters.joserfc_token_signer import JoseKeyMaker, JoseTokenSigner
from identity.adapters.mongo_account_lifecycle import MongoAccountLifecycle
from identity.adapters.mongo_account_repository import MongoAccountRepository
from identity.adapters.mongo_captcha_repository import MongoCaptchaRepository
from identity.adapters.mongo_keyring_store import MongoKeyringStore
from identity.adapters.mongo_login_failure_log import MongoLoginFailureLog
from identity.adapters.mongo_oidc_client_repository import MongoOidcClientRepository
from identity.adapters.mongo_oidc_grant_repository import MongoAccessTokenRepository, MongoAuthorizationCodeRepository
from identity.adapters.mongo_organisation_directory import MongoOrganisationDirectory
from identity.adapters.mongo_password_reset_repository import MongoPasswordResetRepository
from identity.adapters.mongo_personal_traces import MongoPersonalTraces
from identity.adapters.mongo_rate_limiter import MongoRateLimiter
from identity.adapters.mongo_registration_repository import MongoRegistrationRepository
from identity.adapters.mongo_retention import backfill_forget_at, converge_indexes
from identity.adapters.mongo_second_factor_repository import MongoSecondFactorRepository
from identity.adapters.mongo_session_repository import MongoSessionRepository
from identity.adapters.pillow_captcha_renderer import PillowCaptchaRenderer
from identity.adapters.rpc_deletion_blockers import RpcDeletionBlockers
from identity.adapters.webauthn_passkey_ceremonies import WebauthnPasskeyCeremonies
from identity.composition import Adapters, Clock, Identity, Rules, use_cases
from identity.config import IdentitySettings
from identity.domain.frontend_links import FrontendLinks
from identity.domain.privacy import InactivityRules

INDEXES: list[IndexSpec] = [
    *mongo_captcha_repository.INDEXES,
    *mongo_registration_repository.INDEXES,
    *mongo_account_repository.INDEXES,
    *mongo_account_lifecycle.INDEXES,
    *mongo_session_repository.INDEXES,
    *mongo_rate_limiter.INDEXES,
    *mongo_login_failure_log.INDEXES,
    *mongo_password_reset_repository.INDEXES,
    *mongo_organisation_directory.INDEXES,
    *mongo_oidc_grant_repository.INDEXES,
    *mongo_second_factor_repository.INDEXES,
]


def utc_now() -> datetime:
    return datetime.now(UTC)


def adapters_from(settings: IdentitySettings, broker: RabbitBroker, clock: Clock = utc_now) -> Adapters:
    """The real adapters on the service's database; `clock`: the token signer's (the provider's clock)."""
    mongo = create_mongo_client(settings.mongodb_url)
    database = mongo[settings.database]
    outboxes = {
        name: database[name]
        for name in (
            mongo_registration_repository.COLLECTION,
            mongo_account_repository.COLLECTION,
            mongo_session_repository.COLLECTION,
            mongo_password_reset_repository.COLLECTION,
            mongo_second_factor_repository.COLLECTION,
        )
    }
    relay = OutboxRelay(broker, list(outboxes.values()), settings.outbox_poll_seconds)
    registrations = MongoRegistrationRepository(outboxes[mongo_registration_repository.COLLECTION], relay)
    sessions_ended = asyncio.Event()
    session_retention = timedelta(days=settings.session_retention_days)
    sessions = MongoSessionRepository(
        outboxes[mongo_session_repository.COLLECTION], relay, sessions_ended.set, session_retention
    )
    rpc = RpcClient(settings.amqp_url, "identity", settings.rpc_timeout_seconds)
    keyring = MongoKeyringStore(database[mongo_keyring_store.COLLECTION])
    # The keys' encryption password: the service's secret key, never stored beside them.
    key_password = settings.secret_key.get_secret_value()
    sender = HttpxLogoutSender()
    renderer = PillowCaptchaRenderer()

    async def prepare() -> None:
        await converge_indexes(database, INDEXES)
        await ensure_indexes(database, INDEXES)
        await backfill_forget_at(database, utc_now(), session_retention)

    async def close() -> None:
        await rpc.close()
        renderer.close()
        await sender.close()
        await mongo.close()

    return Adapters(
        captchas=MongoCaptchaRepository(database[mongo_captcha_repository.COLLECTION]),
        captcha_renderer=renderer,
        captcha_voice=EspeakCaptchaVoice(settings.espeak_executable),
        hasher=HmacSecretHasher(settings.secret_key.get_secret_value().encode()),
        passwords=Argon2PasswordHasher(),
        is_common=CommonPasswordList(),
        limiter=MongoRateLimiter(database[mongo_rate_limiter.COLLECTION]),
        registrations=registrations,
        idle_registrations=registrations,
        accounts=MongoAccountRepository(outboxes[mongo_account_repository.COLLECTION], relay),
        sessions=sessions,
        sso=sessions,
        resets=MongoPasswordResetRepository(outboxes[mongo_password_reset_repository.COLLECTION], relay),
        failures=MongoLoginFailureLog(database[mongo_login_failure_log.COLLECTION]),
        directory=MongoOrganisationDirectory(
            database[mongo_organisation_directory.ORGANISATIONS], database[mongo_organisation_directory.ESTABLISHMENTS]
        ),
        oidc_clients=MongoOidcClientRepository(database[mongo_oidc_client_repository.COLLECTION]),
        codes=MongoAuthorizationCodeRepository(database[mongo_oidc_grant_repository.CODES]),
        tokens=MongoAccessTokenRepository(database[mongo_oidc_grant_repository.TOKENS]),
        keyring=keyring,
        signer=JoseTokenSigner(keyring, key_password, clock),
        make_key=JoseKeyMaker(key_password),
        logout_sender=sender,
        second_factors=MongoSecondFactorRepository(outboxes[mongo_second_factor_repository.COLLECTION], relay),
        secret_box=FernetSecretBox(settings.second_factor_key_list()),
        passkeys=WebauthnPasskeyCeremonies(
            settings.webauthn_rp(), settings.webauthn_rp_name, settings.webauthn_origin_list()
        ),
        session_history=sessions,
        blockers=RpcDeletionBlockers(rpc),
        lifecycle=MongoAccountLifecycle(outboxes[mongo_account_repository.COLLECTION], relay),
        traces=MongoPersonalTraces(database),
        sessions_ended=sessions_ended,
        relay=relay,
        outboxes=list(outboxes.values()),
        prepare=[prepare],
        connect=[rpc.connect],
        close=[close],
        ready=[lambda: store_answers(database)],
    )


def rules_from(settings: IdentitySettings) -> Rules:
    return Rules(
        links=FrontendLinks(settings.frontend_url),
        issuer=settings.issuer(),
        shared_mailboxes=settings.shared_mailbox_local_parts(),
        captcha_test_answer=settings.captcha_test_answer,
        resend_cooldown=timedelta(seconds=settings.resend_cooldown_seconds),
        login_per_ip=(settings.login_per_ip_per_minute, timedelta(minutes=1)),
        login_per_address=(settings.login_per_address_per_5_minutes, timedelta(minutes=5)),
        captcha_creations_per_ip=(settings.captcha_creations_per_ip_per_minute, timedelta(minutes=1)),
        captcha_media_per_ip=(settings.captcha_media_per_ip_per_minute, timedelta(minutes=1)),
        production=settings.environment == "production",
        inactivity=InactivityRules(
            timedelta(days=settings.inactive_account_days), timedelta(days=settings.inactive_notice_days)
        ),
    )


def build(
    settings: IdentitySettings,
    broker: RabbitBroker,
    clock: Clock = utc_now,
    oidc_clock: Clock | None = None,
) -> tuple[Adapters, Identity]:
    """The real adapters and the use cases on them. `oidc_clock`: the provider's; the rest keeps `clock`."""
    adapters = adapters_from(settings, broker, oidc_clock or clock)
    return adapters, use_cases(adapters, clock, rules_from(settings), oidc_clock)
