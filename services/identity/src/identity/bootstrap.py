"""Composition root: the only place that names concrete adapters."""

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from faststream.rabbit import RabbitBroker
from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from efp_runtime.mongo import IndexSpec, create_mongo_client
from efp_runtime.outbox import OutboxRelay
from identity.adapters import (
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
    mongo_session_repository,
)
from identity.adapters.argon2_password_hasher import Argon2PasswordHasher
from identity.adapters.common_password_list import CommonPasswordList
from identity.adapters.espeak_captcha_voice import EspeakCaptchaVoice
from identity.adapters.hmac_secret_hasher import HmacSecretHasher
from identity.adapters.httpx_logout_sender import HttpxLogoutSender
from identity.adapters.joserfc_token_signer import JoseKeyMaker, JoseTokenSigner
from identity.adapters.mongo_account_repository import MongoAccountRepository
from identity.adapters.mongo_captcha_repository import MongoCaptchaRepository
from identity.adapters.mongo_keyring_store import MongoKeyringStore
from identity.adapters.mongo_login_failure_log import MongoLoginFailureLog
from identity.adapters.mongo_oidc_client_repository import MongoOidcClientRepository
from identity.adapters.mongo_oidc_grant_repository import MongoAccessTokenRepository, MongoAuthorizationCodeRepository
from identity.adapters.mongo_organisation_directory import MongoOrganisationDirectory
from identity.adapters.mongo_password_reset_repository import MongoPasswordResetRepository
from identity.adapters.mongo_rate_limiter import MongoRateLimiter
from identity.adapters.mongo_registration_repository import MongoRegistrationRepository
from identity.adapters.mongo_session_repository import MongoSessionRepository
from identity.adapters.pillow_captcha_renderer import PillowCaptchaRenderer
from identity.config import IdentitySettings
from identity.use_cases.abandon_idle_registrations import AbandonIdleRegistrations
from identity.use_cases.authenticate_session import AuthenticateSession
from identity.use_cases.change_password import ChangePassword
from identity.use_cases.choose_registration_password import ChooseRegistrationPassword
from identity.use_cases.complete_registration import CompleteRegistration
from identity.use_cases.create_agent import CreateAgent
from identity.use_cases.create_captcha import CreateCaptcha
from identity.use_cases.create_invited_account import CreateInvitedAccount
from identity.use_cases.frontend_links import FrontendLinks
from identity.use_cases.get_captcha_audio import GetCaptchaAudio
from identity.use_cases.get_captcha_image import GetCaptchaImage
from identity.use_cases.get_organisation import GetOrganisation
from identity.use_cases.get_profile import GetProfile
from identity.use_cases.give_registration_identity import GiveRegistrationIdentity
from identity.use_cases.go_back_in_registration import GoBackInRegistration
from identity.use_cases.log_in import LogIn
from identity.use_cases.log_out import LogOut
from identity.use_cases.oidc.authenticate_client import AuthenticateClient
from identity.use_cases.oidc.check_logout_request import CheckLogoutRequest
from identity.use_cases.oidc.deliver_backchannel_logouts import DeliverBackchannelLogouts
from identity.use_cases.oidc.describe_client import DescribeOidcClient
from identity.use_cases.oidc.exchange_authorization_code import ExchangeAuthorizationCode
from identity.use_cases.oidc.get_user_info import GetUserInfo
from identity.use_cases.oidc.issue_authorization_code import IssueAuthorizationCode
from identity.use_cases.oidc.manage_clients import ManageOidcClients
from identity.use_cases.oidc.person import PersonFinder
from identity.use_cases.oidc.revoke_token import RevokeOidcToken
from identity.use_cases.oidc.signing_keys import EnsureSigningKeys, GetSigningKeys, RotateSigningKeys
from identity.use_cases.request_password_reset import RequestPasswordReset
from identity.use_cases.resend_registration_code import ResendRegistrationCode
from identity.use_cases.reset_password import ResetPassword
from identity.use_cases.search_organisations import SearchOrganisations
from identity.use_cases.solve_captcha import SolveCaptcha
from identity.use_cases.start_registration import StartRegistration
from identity.use_cases.update_profile import UpdateProfile
from identity.use_cases.verify_password_reset_code import VerifyPasswordResetCode
from identity.use_cases.verify_registration_code import VerifyRegistrationCode

INDEXES: list[IndexSpec] = [
    *mongo_captcha_repository.INDEXES,
    *mongo_registration_repository.INDEXES,
    *mongo_account_repository.INDEXES,
    *mongo_session_repository.INDEXES,
    *mongo_rate_limiter.INDEXES,
    *mongo_login_failure_log.INDEXES,
    *mongo_password_reset_repository.INDEXES,
    *mongo_organisation_directory.INDEXES,
    *mongo_oidc_grant_repository.INDEXES,
]


@dataclass(frozen=True)
class Identity:
    """The service's wired use cases and the resources main.py starts and stops."""

    mongo: AsyncMongoClient[dict[str, Any]]
    relay: OutboxRelay
    # The collections whose documents carry an outbox (the relay drains them; metrics count their backlog).
    outboxes: Sequence[AsyncCollection[dict[str, Any]]]
    create_captcha: CreateCaptcha
    get_captcha_image: GetCaptchaImage
    get_captcha_audio: GetCaptchaAudio
    start_registration: StartRegistration
    verify_registration_code: VerifyRegistrationCode
    resend_registration_code: ResendRegistrationCode
    choose_registration_password: ChooseRegistrationPassword
    give_registration_identity: GiveRegistrationIdentity
    go_back_in_registration: GoBackInRegistration
    complete_registration: CompleteRegistration
    search_organisations: SearchOrganisations
    get_organisation: GetOrganisation
    log_in: LogIn
    authenticate_session: AuthenticateSession
    log_out: LogOut
    get_profile: GetProfile
    update_profile: UpdateProfile
    request_password_reset: RequestPasswordReset
    verify_password_reset_code: VerifyPasswordResetCode
    reset_password: ResetPassword
    change_password: ChangePassword
    create_agent: CreateAgent
    abandon_idle_registrations: AbandonIdleRegistrations
    create_invited_account: CreateInvitedAccount
    oidc: "Oidc"


@dataclass(frozen=True)
class Oidc:
    """The OpenID Connect provider's use cases, and what main.py starts and stops for them."""

    clients: ManageOidcClients
    describe_oidc_client: DescribeOidcClient
    issue_authorization_code: IssueAuthorizationCode
    exchange_authorization_code: ExchangeAuthorizationCode
    get_user_info: GetUserInfo
    revoke_oidc_token: RevokeOidcToken
    get_signing_keys: GetSigningKeys
    check_logout_request: CheckLogoutRequest
    ensure_signing_keys: EnsureSigningKeys
    rotate_signing_keys: RotateSigningKeys
    deliver_backchannel_logouts: DeliverBackchannelLogouts
    logout_sender: HttpxLogoutSender
    # Set when a session ends: the back-channel delivery runs at once.
    sessions_ended: asyncio.Event


def _utc_now() -> datetime:
    return datetime.now(UTC)


def build_oidc(
    settings: IdentitySettings,
    database: AsyncDatabase[dict[str, Any]],
    sessions: MongoSessionRepository,
    accounts: MongoAccountRepository,
    directory: MongoOrganisationDirectory,
    hasher: HmacSecretHasher,
    sessions_ended: asyncio.Event,
    clock: Callable[[], datetime],
) -> Oidc:
    clients = MongoOidcClientRepository(database[mongo_oidc_client_repository.COLLECTION])
    codes = MongoAuthorizationCodeRepository(database[mongo_oidc_grant_repository.CODES])
    tokens = MongoAccessTokenRepository(database[mongo_oidc_grant_repository.TOKENS])
    keyring = MongoKeyringStore(database[mongo_keyring_store.COLLECTION])
    # The keys' encryption password: the service's secret key, never stored beside them.
    password = settings.secret_key.get_secret_value()
    signer = JoseTokenSigner(keyring, password, clock)
    make_key = JoseKeyMaker(password)
    authenticate = AuthenticateClient(clients, hasher)
    people = PersonFinder(directory)
    sender = HttpxLogoutSender()
    issuer = settings.issuer()
    return Oidc(
        clients=ManageOidcClients(clients, hasher, clock, production=settings.environment == "production"),
        describe_oidc_client=DescribeOidcClient(clients),
        issue_authorization_code=IssueAuthorizationCode(clients, codes, sessions, sessions, accounts, clock),
        exchange_authorization_code=ExchangeAuthorizationCode(
            authenticate, codes, tokens, accounts, people, signer, issuer, clock
        ),
        get_user_info=GetUserInfo(tokens, sessions, clients, accounts, people, clock),
        revoke_oidc_token=RevokeOidcToken(authenticate, tokens, clock),
        get_signing_keys=GetSigningKeys(signer),
        check_logout_request=CheckLogoutRequest(clients, signer),
        ensure_signing_keys=EnsureSigningKeys(keyring, make_key, clock),
        rotate_signing_keys=RotateSigningKeys(keyring, make_key, clock),
        deliver_backchannel_logouts=DeliverBackchannelLogouts(sessions, clients, signer, sender, issuer, clock),
        logout_sender=sender,
        sessions_ended=sessions_ended,
    )


def build(
    settings: IdentitySettings,
    broker: RabbitBroker,
    clock: Callable[[], datetime] = _utc_now,
    oidc_clock: Callable[[], datetime] | None = None,
) -> Identity:
    """`oidc_clock`: the provider's (tests shift it to expire a code); the rest keeps `clock`."""
    mongo = create_mongo_client(settings.mongodb_url)
    database = mongo[settings.database]
    outboxes = {
        name: database[name]
        for name in (
            mongo_registration_repository.COLLECTION,
            mongo_account_repository.COLLECTION,
            mongo_session_repository.COLLECTION,
            mongo_password_reset_repository.COLLECTION,
        )
    }
    relay = OutboxRelay(broker, list(outboxes.values()), settings.outbox_poll_seconds)
    hasher = HmacSecretHasher(settings.secret_key.get_secret_value().encode())
    passwords = Argon2PasswordHasher()
    is_common = CommonPasswordList()
    limiter = MongoRateLimiter(database[mongo_rate_limiter.COLLECTION])
    captchas = MongoCaptchaRepository(database[mongo_captcha_repository.COLLECTION])
    registrations = MongoRegistrationRepository(outboxes[mongo_registration_repository.COLLECTION], relay)
    accounts = MongoAccountRepository(outboxes[mongo_account_repository.COLLECTION], relay)
    sessions_ended = asyncio.Event()
    sessions = MongoSessionRepository(outboxes[mongo_session_repository.COLLECTION], relay, sessions_ended.set)
    resets = MongoPasswordResetRepository(outboxes[mongo_password_reset_repository.COLLECTION], relay)
    directory = MongoOrganisationDirectory(
        database[mongo_organisation_directory.ORGANISATIONS], database[mongo_organisation_directory.ESTABLISHMENTS]
    )
    failures = MongoLoginFailureLog(database[mongo_login_failure_log.COLLECTION])
    links = FrontendLinks(settings.frontend_url)
    solve_captcha = SolveCaptcha(captchas, hasher, clock, settings.captcha_test_answer)
    return Identity(
        mongo=mongo,
        relay=relay,
        outboxes=list(outboxes.values()),
        create_captcha=CreateCaptcha(captchas, PillowCaptchaRenderer(), hasher, clock),
        get_captcha_image=GetCaptchaImage(captchas, clock),
        get_captcha_audio=GetCaptchaAudio(captchas, EspeakCaptchaVoice(settings.espeak_executable), clock),
        start_registration=StartRegistration(
            registrations, accounts, solve_captcha, hasher, limiter, settings.shared_mailbox_local_parts(), clock, links
        ),
        verify_registration_code=VerifyRegistrationCode(registrations, hasher, clock),
        resend_registration_code=ResendRegistrationCode(
            registrations, hasher, limiter, clock, links, timedelta(seconds=settings.resend_cooldown_seconds)
        ),
        choose_registration_password=ChooseRegistrationPassword(registrations, passwords, is_common, clock),
        give_registration_identity=GiveRegistrationIdentity(registrations, clock),
        go_back_in_registration=GoBackInRegistration(registrations, clock),
        complete_registration=CompleteRegistration(registrations, accounts, directory, clock, links),
        search_organisations=SearchOrganisations(directory),
        get_organisation=GetOrganisation(directory),
        log_in=LogIn(
            accounts,
            sessions,
            passwords,
            solve_captcha,
            limiter,
            failures,
            clock,
            per_ip=(settings.login_per_ip_per_minute, timedelta(minutes=1)),
            per_address=(settings.login_per_address_per_5_minutes, timedelta(minutes=5)),
        ),
        authenticate_session=AuthenticateSession(sessions, accounts, clock),
        log_out=LogOut(sessions, clock),
        get_profile=GetProfile(accounts),
        update_profile=UpdateProfile(accounts, clock),
        request_password_reset=RequestPasswordReset(resets, accounts, solve_captcha, hasher, limiter, clock, links),
        verify_password_reset_code=VerifyPasswordResetCode(resets, hasher, clock),
        reset_password=ResetPassword(resets, accounts, sessions, passwords, is_common, clock),
        change_password=ChangePassword(accounts, sessions, passwords, limiter, is_common, clock),
        create_agent=CreateAgent(accounts, passwords, is_common, clock),
        abandon_idle_registrations=AbandonIdleRegistrations(registrations, registrations, clock),
        create_invited_account=CreateInvitedAccount(accounts, directory, settings.shared_mailbox_local_parts(), clock),
        oidc=build_oidc(settings, database, sessions, accounts, directory, hasher, sessions_ended, oidc_clock or clock),
    )
