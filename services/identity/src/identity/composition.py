"""The use cases wired on any adapters (the real ones from bootstrap, or identity.fakes): one wiring for all."""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection

from efp_runtime.outbox import OutboxRelay
from identity.domain.frontend_links import FrontendLinks
from identity.domain.mailbox import DEFAULT_SHARED_LOCAL_PARTS
from identity.domain.privacy import InactivityRules
from identity.domain.registration import RESEND_COOLDOWN
from identity.my_data_wiring import MyData, MyDataAdapters, my_data_use_cases
from identity.privacy_wiring import Privacy, privacy_use_cases
from identity.second_factor_wiring import SecondFactor, SecondFactorAdapters, second_factor_use_cases
from identity.use_cases.accounts.create_agent import CreateAgent
from identity.use_cases.accounts.create_invited_account import CreateInvitedAccount
from identity.use_cases.accounts.get_profile import GetProfile
from identity.use_cases.accounts.ports import AccountRepository, PasswordHasher
from identity.use_cases.accounts.update_profile import UpdateProfile
from identity.use_cases.captcha.count_captcha_request import CREATIONS_PER_IP, MEDIA_PER_IP
from identity.use_cases.captcha.create_captcha import CreateCaptcha
from identity.use_cases.captcha.get_captcha_audio import GetCaptchaAudio
from identity.use_cases.captcha.get_captcha_image import GetCaptchaImage
from identity.use_cases.captcha.ports import CaptchaRenderer, CaptchaRepository, CaptchaVoice
from identity.use_cases.captcha.solve_captcha import SolveCaptcha
from identity.use_cases.codes.ports import RateLimiter, SecretHasher
from identity.use_cases.export.ports import SessionHistory
from identity.use_cases.oidc.authenticate_client import AuthenticateClient
from identity.use_cases.oidc.check_logout_request import CheckLogoutRequest
from identity.use_cases.oidc.deliver_backchannel_logouts import DeliverBackchannelLogouts
from identity.use_cases.oidc.describe_client import DescribeOidcClient
from identity.use_cases.oidc.exchange_authorization_code import ExchangeAuthorizationCode
from identity.use_cases.oidc.get_user_info import GetUserInfo
from identity.use_cases.oidc.issue_authorization_code import IssueAuthorizationCode
from identity.use_cases.oidc.manage_clients import ManageOidcClients
from identity.use_cases.oidc.person import PersonFinder
from identity.use_cases.oidc.ports import (
    AccessTokenRepository,
    AuthorizationCodeRepository,
    KeyringStore,
    LogoutSender,
    OidcClientRepository,
    SsoSessions,
    TokenSigner,
)
from identity.use_cases.oidc.revoke_token import RevokeOidcToken
from identity.use_cases.oidc.signing_keys import EnsureSigningKeys, GetSigningKeys, KeyMaker, RotateSigningKeys
from identity.use_cases.organisations.get_organisation import GetOrganisation
from identity.use_cases.organisations.import_sirene import ImportSirene
from identity.use_cases.organisations.ports import OrganisationDirectory
from identity.use_cases.organisations.search_organisations import SearchOrganisations
from identity.use_cases.passwords.change_password import ChangePassword
from identity.use_cases.passwords.ports import PasswordResetRepository
from identity.use_cases.passwords.request_password_reset import RequestPasswordReset
from identity.use_cases.passwords.reset_password import ResetPassword
from identity.use_cases.passwords.verify_password_reset_code import VerifyPasswordResetCode
from identity.use_cases.privacy.ports import AccountLifecycle, DeletionBlockers, PersonalTraces
from identity.use_cases.registration.abandon_idle_registrations import AbandonIdleRegistrations
from identity.use_cases.registration.choose_registration_password import ChooseRegistrationPassword
from identity.use_cases.registration.complete_registration import CompleteRegistration
from identity.use_cases.registration.give_registration_identity import GiveRegistrationIdentity
from identity.use_cases.registration.go_back_in_registration import GoBackInRegistration
from identity.use_cases.registration.ports import IdleRegistrations, RegistrationRepository
from identity.use_cases.registration.resend_registration_code import ResendRegistrationCode
from identity.use_cases.registration.start_registration import StartRegistration
from identity.use_cases.registration.verify_registration_code import VerifyRegistrationCode
from identity.use_cases.second_factor.ports import PasskeyCeremonies, SecondFactorRepository, SecretBox
from identity.use_cases.sessions.authenticate_session import AuthenticateSession
from identity.use_cases.sessions.log_in import PER_ADDRESS, PER_IP, LogIn
from identity.use_cases.sessions.log_out import LogOut
from identity.use_cases.sessions.log_out_other_sessions import LogOutOtherSessions
from identity.use_cases.sessions.ports import LoginFailureLog, SessionRepository

Clock = Callable[[], datetime]
Step = Callable[[], Awaitable[None]]


@dataclass(frozen=True, kw_only=True)
class Adapters:
    """Everything the use cases need from the outside, and what the process starts and stops for it."""

    captchas: CaptchaRepository
    captcha_renderer: CaptchaRenderer
    captcha_voice: CaptchaVoice
    hasher: SecretHasher
    passwords: PasswordHasher
    is_common: Callable[[str], bool]
    limiter: RateLimiter
    registrations: RegistrationRepository
    idle_registrations: IdleRegistrations
    accounts: AccountRepository
    sessions: SessionRepository
    sso: SsoSessions
    resets: PasswordResetRepository
    failures: LoginFailureLog
    directory: OrganisationDirectory
    oidc_clients: OidcClientRepository
    codes: AuthorizationCodeRepository
    tokens: AccessTokenRepository
    keyring: KeyringStore
    signer: TokenSigner
    make_key: KeyMaker
    logout_sender: LogoutSender
    second_factors: SecondFactorRepository
    secret_box: SecretBox
    passkeys: PasskeyCeremonies
    # Every session document of an account (the export of « mes données »): the sessions' store.
    session_history: SessionHistory
    # Account deletion: habilitation's say, the lifecycle fields of the accounts, the other traces.
    blockers: DeletionBlockers
    lifecycle: AccountLifecycle
    traces: PersonalTraces
    # Set when a session ends: the back-channel delivery runs at once.
    sessions_ended: asyncio.Event = field(default_factory=asyncio.Event)
    # The process's side (none with fakes): the relay and the collections whose documents carry an outbox.
    relay: OutboxRelay | None = None
    outboxes: Sequence[AsyncCollection[dict[str, Any]]] = ()
    prepare: Sequence[Step] = ()
    # Once the broker is up (the RPC client to habilitation).
    connect: Sequence[Step] = ()
    close: Sequence[Step] = ()
    # What the readiness ping checks first (the store answering).
    ready: Sequence[Step] = ()


@dataclass(frozen=True, kw_only=True)
class Rules:
    """The settings the use cases read: links in e-mails, limits, the issuer (defaults: the guide's)."""

    links: FrontendLinks
    issuer: str
    shared_mailboxes: tuple[str, ...] = DEFAULT_SHARED_LOCAL_PARTS
    # Test harnesses only (production settings refuse it): every captcha also accepts this answer.
    captcha_test_answer: str | None = None
    resend_cooldown: timedelta = RESEND_COOLDOWN
    login_per_ip: tuple[int, timedelta] = PER_IP
    login_per_address: tuple[int, timedelta] = PER_ADDRESS
    captcha_creations_per_ip: tuple[int, timedelta] = CREATIONS_PER_IP
    captcha_media_per_ip: tuple[int, timedelta] = MEDIA_PER_IP
    production: bool = False
    inactivity: InactivityRules = field(default_factory=InactivityRules)


@dataclass(frozen=True)
class Oidc:
    """The OpenID Connect provider's use cases."""

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


@dataclass(frozen=True)
class Identity:
    """The service's use cases, by feature."""

    create_captcha: CreateCaptcha
    get_captcha_image: GetCaptchaImage
    get_captcha_audio: GetCaptchaAudio
    # Not a request of its own: the captcha step of sign-up, login and password reset.
    solve_captcha: SolveCaptcha
    start_registration: StartRegistration
    verify_registration_code: VerifyRegistrationCode
    resend_registration_code: ResendRegistrationCode
    choose_registration_password: ChooseRegistrationPassword
    give_registration_identity: GiveRegistrationIdentity
    go_back_in_registration: GoBackInRegistration
    complete_registration: CompleteRegistration
    abandon_idle_registrations: AbandonIdleRegistrations
    search_organisations: SearchOrganisations
    get_organisation: GetOrganisation
    import_sirene: ImportSirene
    log_in: LogIn
    authenticate_session: AuthenticateSession
    log_out: LogOut
    log_out_other_sessions: LogOutOtherSessions
    get_profile: GetProfile
    update_profile: UpdateProfile
    create_agent: CreateAgent
    create_invited_account: CreateInvitedAccount
    request_password_reset: RequestPasswordReset
    verify_password_reset_code: VerifyPasswordResetCode
    reset_password: ResetPassword
    change_password: ChangePassword
    oidc: Oidc
    second_factor: SecondFactor
    my_data: MyData
    privacy: Privacy


def use_cases(adapters: Adapters, clock: Clock, rules: Rules, oidc_clock: Clock | None = None) -> Identity:
    """`oidc_clock`: the provider's and the second factor's (tests shift it to expire a code or a step-up);
    the rest keeps `clock`."""
    a = adapters
    solve_captcha = SolveCaptcha(a.captchas, a.hasher, clock, rules.captcha_test_answer)
    return Identity(
        create_captcha=CreateCaptcha(
            a.captchas, a.captcha_renderer, a.hasher, a.limiter, clock, rules.captcha_creations_per_ip
        ),
        get_captcha_image=GetCaptchaImage(a.captchas, a.limiter, clock, rules.captcha_media_per_ip),
        get_captcha_audio=GetCaptchaAudio(a.captchas, a.captcha_voice, a.limiter, clock, rules.captcha_media_per_ip),
        solve_captcha=solve_captcha,
        start_registration=StartRegistration(
            a.registrations, a.accounts, solve_captcha, a.hasher, a.limiter, rules.shared_mailboxes, clock, rules.links
        ),
        verify_registration_code=VerifyRegistrationCode(a.registrations, a.hasher, a.failures, clock),
        resend_registration_code=ResendRegistrationCode(
            a.registrations, a.hasher, a.limiter, solve_captcha, a.failures, clock, rules.links, rules.resend_cooldown
        ),
        choose_registration_password=ChooseRegistrationPassword(a.registrations, a.passwords, a.is_common, clock),
        give_registration_identity=GiveRegistrationIdentity(a.registrations, clock),
        go_back_in_registration=GoBackInRegistration(a.registrations, clock),
        complete_registration=CompleteRegistration(a.registrations, a.accounts, a.directory, clock, rules.links),
        abandon_idle_registrations=AbandonIdleRegistrations(a.idle_registrations, a.registrations, clock),
        search_organisations=SearchOrganisations(a.directory),
        get_organisation=GetOrganisation(a.directory),
        import_sirene=ImportSirene(a.directory),
        log_in=LogIn(
            a.accounts,
            a.sessions,
            a.passwords,
            solve_captcha,
            a.limiter,
            a.failures,
            a.hasher,
            clock,
            a.second_factors,
            per_ip=rules.login_per_ip,
            per_address=rules.login_per_address,
            activity=a.lifecycle,
            activity_clock=oidc_clock or clock,
        ),
        authenticate_session=AuthenticateSession(a.sessions, a.accounts, a.second_factors, clock),
        log_out=LogOut(a.sessions, clock),
        log_out_other_sessions=LogOutOtherSessions(a.sessions, clock),
        get_profile=GetProfile(a.accounts),
        update_profile=UpdateProfile(a.accounts, clock),
        create_agent=CreateAgent(a.accounts, a.passwords, a.is_common, clock),
        create_invited_account=CreateInvitedAccount(a.accounts, a.directory, rules.shared_mailboxes, clock),
        request_password_reset=RequestPasswordReset(
            a.resets, a.accounts, solve_captcha, a.hasher, a.limiter, a.failures, clock, rules.links
        ),
        verify_password_reset_code=VerifyPasswordResetCode(a.resets, a.hasher, a.failures, clock),
        reset_password=ResetPassword(a.resets, a.accounts, a.sessions, a.passwords, a.is_common, clock),
        change_password=ChangePassword(a.accounts, a.sessions, a.passwords, a.limiter, a.is_common, clock),
        oidc=_provider(adapters, oidc_clock or clock, rules),
        second_factor=second_factor_use_cases(
            SecondFactorAdapters(
                sessions=a.sessions,
                accounts=a.accounts,
                factors=a.second_factors,
                box=a.secret_box,
                ceremonies=a.passkeys,
                hasher=a.hasher,
                limiter=a.limiter,
            ),
            # The shiftable clock too: habilitation judges `second_factor_at`'s freshness by its own.
            oidc_clock or clock,
        ),
        my_data=my_data_use_cases(
            MyDataAdapters(
                accounts=a.accounts,
                sessions=a.sessions,
                session_history=a.session_history,
                passwords=a.passwords,
                hasher=a.hasher,
                limiter=a.limiter,
                wrong_codes=a.failures,
                factors=a.second_factors,
                clients=a.oidc_clients,
            ),
            rules.shared_mailboxes,
            rules.resend_cooldown,
            clock,
        ),
        # The shiftable clock: the step-up's freshness, and the sweeps' dates in tests.
        privacy=privacy_use_cases(a, oidc_clock or clock, rules.links, rules.inactivity),
    )


def _provider(a: Adapters, clock: Clock, rules: Rules) -> Oidc:
    authenticate = AuthenticateClient(a.oidc_clients, a.hasher)
    people = PersonFinder(a.directory)
    return Oidc(
        clients=ManageOidcClients(a.oidc_clients, a.hasher, clock, production=rules.production),
        describe_oidc_client=DescribeOidcClient(a.oidc_clients),
        issue_authorization_code=IssueAuthorizationCode(
            a.oidc_clients, a.codes, a.sessions, a.sso, a.accounts, a.second_factors, clock
        ),
        exchange_authorization_code=ExchangeAuthorizationCode(
            authenticate, a.codes, a.tokens, a.accounts, people, a.signer, rules.issuer, clock
        ),
        get_user_info=GetUserInfo(a.tokens, a.sessions, a.oidc_clients, a.accounts, people, clock),
        revoke_oidc_token=RevokeOidcToken(authenticate, a.tokens, clock),
        get_signing_keys=GetSigningKeys(a.signer),
        check_logout_request=CheckLogoutRequest(a.oidc_clients, a.signer),
        ensure_signing_keys=EnsureSigningKeys(a.keyring, a.make_key, clock),
        rotate_signing_keys=RotateSigningKeys(a.keyring, a.make_key, clock),
        deliver_backchannel_logouts=DeliverBackchannelLogouts(
            a.sso, a.oidc_clients, a.signer, a.logout_sender, rules.issuer, clock
        ),
    )
