"""Hand-written in-memory fakes of identity's ports, public so unit tests and tools wire use cases on them.

Each keeps the rules of the adapter it stands for (a unique address, a version check, what is not stored).
"""

from identity.fakes.accounts import (
    FakeAccountRepository,
    FakeCommonPasswords,
    FakeLoginFailureLog,
    FakePasswordHasher,
    FakePasswordResetRepository,
    FakeRateLimiter,
    FakeSessionRepository,
    RecordingPasswordHasher,
)
from identity.fakes.captcha import FakeCaptchaRepository, RecordingRenderer, RecordingVoice
from identity.fakes.clock import KEY, LINKS, T0, FakeClock
from identity.fakes.directory import FakeOrganisationDirectory, directory_with, establishment, siren, siret
from identity.fakes.oidc import ISSUER, FakeClients, FakeCodes, FakeKeyring, FakeSender, FakeSso, FakeTokens
from identity.fakes.registration import FakeRegistrationRepository, registration_in
from identity.fakes.second_factor import FakePasskeyCeremonies, FakeSecondFactorRepository
from identity.fakes.wired import Fakes, ada

__all__ = [
    "ISSUER",
    "KEY",
    "LINKS",
    "T0",
    "FakeAccountRepository",
    "FakeCaptchaRepository",
    "FakeClients",
    "FakeClock",
    "FakeCodes",
    "FakeCommonPasswords",
    "FakeKeyring",
    "FakeLoginFailureLog",
    "FakeOrganisationDirectory",
    "FakePasskeyCeremonies",
    "FakePasswordHasher",
    "FakePasswordResetRepository",
    "FakeRateLimiter",
    "FakeRegistrationRepository",
    "FakeSecondFactorRepository",
    "FakeSender",
    "FakeSessionRepository",
    "FakeSso",
    "FakeTokens",
    "Fakes",
    "RecordingPasswordHasher",
    "RecordingRenderer",
    "RecordingVoice",
    "ada",
    "directory_with",
    "establishment",
    "registration_in",
    "siren",
    "siret",
]
