"""Every port faked, and the use cases wired on the fakes by `identity.composition`, as the service wires them."""

from dataclasses import dataclass, field
from typing import Any

from identity.adapters.fernet_secret_box import FernetSecretBox
from identity.adapters.hmac_secret_hasher import HmacSecretHasher
from identity.adapters.joserfc_token_signer import JoseKeyMaker, JoseTokenSigner
from identity.composition import Adapters, Identity, Rules, use_cases
from identity.domain.account import Account, AccountKind
from identity.domain.captcha import VALIDITY, Captcha
from identity.domain.registration import Registration, Step
from identity.fakes.accounts import (
    FakeAccountRepository,
    FakeCommonPasswords,
    FakeLoginFailureLog,
    FakePasswordResetRepository,
    FakeRateLimiter,
    RecordingPasswordHasher,
)
from identity.fakes.captcha import FakeCaptchaRepository, RecordingRenderer, RecordingVoice
from identity.fakes.clock import KEY, LINKS, T0, FakeClock
from identity.fakes.directory import FakeOrganisationDirectory
from identity.fakes.oidc import ISSUER, FakeClients, FakeCodes, FakeKeyring, FakeSender, FakeSso, FakeTokens
from identity.fakes.privacy import FakeAccountLifecycle, FakeDeletionBlockers, FakePersonalTraces
from identity.fakes.registration import FakeRegistrationRepository
from identity.fakes.second_factor import FakePasskeyCeremonies, FakeSecondFactorRepository

ADA: dict[str, Any] = {
    "id": "a-1",
    "email": "ada@example.fr",
    "kind": AccountKind.USER,
    "password_hash": "hashed2:x",
    "civility": "madame",
    "last_name": "Lovelace",
    "first_name": "Ada",
}


def ada(**fields: Any) -> Account:
    """Ada's account (a user's, password `x`, opened at T0), with `fields` changed; not stored."""
    return Account.open(**{**ADA, "created_at": T0, **fields})


# The signing keys' encryption password in tests.
KEY_PASSWORD = "key-password"  # noqa: S105
# The Fernet key sealing TOTP secrets in tests (a fixed one: tests may read the sealed secrets).
SECOND_FACTOR_KEY = "dGVzdC1zZWNvbmQtZmFjdG9yLWtleS0zMi1ieXRlcyE="


@dataclass
class Fakes:
    """A test changes a fake (`fakes.clock.advance(…)`, `fakes.common.common.add(…)`) and reads its state."""

    clock: FakeClock = field(default_factory=FakeClock)
    captchas: FakeCaptchaRepository = field(default_factory=FakeCaptchaRepository)
    renderer: RecordingRenderer = field(default_factory=RecordingRenderer)
    voice: RecordingVoice = field(default_factory=RecordingVoice)
    hasher: HmacSecretHasher = field(default_factory=lambda: HmacSecretHasher(KEY))
    passwords: RecordingPasswordHasher = field(default_factory=RecordingPasswordHasher)
    common: FakeCommonPasswords = field(default_factory=FakeCommonPasswords)
    limiter: FakeRateLimiter = field(default_factory=FakeRateLimiter)
    registrations: FakeRegistrationRepository = field(default_factory=FakeRegistrationRepository)
    accounts: FakeAccountRepository = field(default_factory=FakeAccountRepository)
    # Sessions that also remember the relying parties to tell (the provider's side of them).
    sessions: FakeSso = field(default_factory=FakeSso)
    resets: FakePasswordResetRepository = field(default_factory=FakePasswordResetRepository)
    failures: FakeLoginFailureLog = field(default_factory=FakeLoginFailureLog)
    directory: FakeOrganisationDirectory = field(default_factory=FakeOrganisationDirectory)
    oidc_clients: FakeClients = field(default_factory=FakeClients)
    codes: FakeCodes = field(default_factory=FakeCodes)
    tokens: FakeTokens = field(default_factory=FakeTokens)
    keyring: FakeKeyring = field(default_factory=FakeKeyring)
    sender: FakeSender = field(default_factory=FakeSender)
    second_factors: FakeSecondFactorRepository = field(default_factory=FakeSecondFactorRepository)
    # The real Fernet box (it does no I/O): tests open what it sealed.
    secret_box: FernetSecretBox = field(default_factory=lambda: FernetSecretBox([SECOND_FACTOR_KEY]))
    passkeys: FakePasskeyCeremonies = field(default_factory=FakePasskeyCeremonies)
    blockers: FakeDeletionBlockers = field(default_factory=FakeDeletionBlockers)
    # Real JOSE on the fake keyring: tests verify the tokens with joserfc.
    signer: JoseTokenSigner = field(init=False)
    lifecycle: FakeAccountLifecycle = field(init=False)
    traces: FakePersonalTraces = field(init=False)

    def __post_init__(self) -> None:
        self.signer = JoseTokenSigner(self.keyring, KEY_PASSWORD, self.clock, reload_seconds=0)
        self.lifecycle = FakeAccountLifecycle(self.accounts)
        self.traces = FakePersonalTraces(
            self.sessions,
            self.resets,
            self.registrations,
            self.failures,
            self.limiter,
            self.second_factors,
            self.codes,
            self.tokens,
        )

    def adapters(self) -> Adapters:
        return Adapters(
            captchas=self.captchas,
            captcha_renderer=self.renderer,
            captcha_voice=self.voice,
            hasher=self.hasher,
            passwords=self.passwords,
            is_common=self.common,
            limiter=self.limiter,
            registrations=self.registrations,
            idle_registrations=self.registrations,
            accounts=self.accounts,
            sessions=self.sessions,
            sso=self.sessions,
            resets=self.resets,
            failures=self.failures,
            directory=self.directory,
            oidc_clients=self.oidc_clients,
            codes=self.codes,
            tokens=self.tokens,
            keyring=self.keyring,
            signer=self.signer,
            make_key=JoseKeyMaker(KEY_PASSWORD),
            logout_sender=self.sender,
            second_factors=self.second_factors,
            secret_box=self.secret_box,
            passkeys=self.passkeys,
            session_history=self.sessions,
            blockers=self.blockers,
            lifecycle=self.lifecycle,
            traces=self.traces,
        )

    async def captcha(self, captcha_id: str = "c-1", answer: str = "AC34DX") -> Captcha:
        """A fresh captcha whose right answer is `answer`."""
        captcha = Captcha(
            captcha_id, self.hasher.hash(captcha_id, answer), b"png", self.clock() + VALIDITY, text=answer
        )
        await self.captchas.add(captcha)
        return captcha

    async def registration_at(self, state: Step, **fields: Any) -> Registration:
        """Ada's registration started at T0 (code 111111, hashed "h"), standing at `state`; stored with no message."""
        registration = Registration.start("r-1", "ada@example.fr", "111111", "h", T0)
        registration.state = state
        for name, value in fields.items():
            setattr(registration, name, value)
        await self.registrations.add(registration, [])
        return registration

    def stored_registration(self, registration_id: str = "r-1") -> Registration:
        """The registration as last saved."""
        return self.registrations.registrations[registration_id]

    async def account(self, **fields: Any) -> Account:
        """Ada's account opened now, with `fields` changed; stored with no message."""
        account = ada(**{"created_at": self.clock(), **fields})
        await self.accounts.add(account, [])
        return account

    def use_cases(self, **rules: Any) -> Identity:
        """The use cases on these fakes; `rules` change the defaults (the test links and issuer, production)."""
        chosen: dict[str, Any] = {"links": LINKS, "issuer": ISSUER, "production": True, **rules}
        return use_cases(self.adapters(), self.clock, Rules(**chosen))
