"""The habilitation service in memory: hand-written fakes of every port, wired like the real adapters.

`InMemory()` holds one fake per port (tests reach into them to arrange and to assert);
`in_memory_adapters()` gives them as the `Adapters` that `composition.use_cases` takes.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from efp_runtime.clock import ManualClock
from habilitation.composition import DEFAULT_LINKS, Adapters, Habilitation, use_cases
from habilitation.domain.second_factor import SecondFactorPolicy
from habilitation.fakes.activation import (
    FakeActivations,
    FakeAttempts,
    FakeCharter,
    FakeCodes,
    FakeCodeSource,
    FakeHasher,
    FakeLetters,
    FakeRenderer,
    FakeTermsAcceptances,
    FakeTexts,
)
from habilitation.fakes.people import FakeAccounts, FakeDirectory, FakeInvitedAccounts, FakeUserListing
from habilitation.fakes.stores import FakeAccessRequests, FakeHabilitations, FakeInvitations, FakeManagerRights
from habilitation.fakes.sweeps import FakeActiveHabilitations, FakeHabilitationSweep, FakeInvitationSweep
from habilitation.use_cases.links import Links

# Where the fakes' clock stands until a test moves it.
START = datetime(2030, 1, 15, 9, 0, tzinfo=UTC)


@dataclass
class InMemory:
    clock: ManualClock = field(default_factory=lambda: ManualClock(START))
    accounts: FakeAccounts = field(default_factory=FakeAccounts)
    directory: FakeDirectory = field(default_factory=FakeDirectory)
    habilitations: FakeHabilitations = field(default_factory=FakeHabilitations)
    rights: FakeManagerRights = field(default_factory=FakeManagerRights)
    requests: FakeAccessRequests = field(default_factory=FakeAccessRequests)
    invitations: FakeInvitations = field(default_factory=FakeInvitations)
    invited_accounts: FakeInvitedAccounts = field(default_factory=FakeInvitedAccounts)
    invitation_sweep: FakeInvitationSweep = field(default_factory=FakeInvitationSweep)
    codes: FakeCodes = field(default_factory=FakeCodes)
    activations: FakeActivations = field(default_factory=FakeActivations)
    attempts: FakeAttempts = field(default_factory=FakeAttempts)
    letters: FakeLetters = field(default_factory=FakeLetters)
    hasher: FakeHasher = field(default_factory=FakeHasher)
    new_code: FakeCodeSource = field(default_factory=FakeCodeSource)
    renderer: FakeRenderer = field(default_factory=FakeRenderer)
    charter: FakeCharter = field(default_factory=FakeCharter)
    terms: FakeTexts = field(default_factory=FakeTexts)
    terms_acceptances: FakeTermsAcceptances = field(default_factory=FakeTermsAcceptances)
    # Off: the tests' actors log in with a password alone; the tests of the rule turn it on.
    second_factor: SecondFactorPolicy = field(default_factory=lambda: SecondFactorPolicy(required=False))

    def __post_init__(self) -> None:
        # The fakes that answer from the others' contents, as the Mongo adapters read the same collections.
        self.listing = FakeUserListing(self.accounts, self.habilitations)
        self.habilitation_sweep = FakeHabilitationSweep(self.habilitations)
        self.active = FakeActiveHabilitations(self.habilitations)

    def adapters(self) -> Adapters:
        return Adapters(
            habilitations=self.habilitations,
            rights=self.rights,
            requests=self.requests,
            copies=self.accounts,
            accounts=self.accounts,
            directory=self.directory,
            listing=self.listing,
            invitations=self.invitations,
            invitation_sweep=self.invitation_sweep,
            invited_accounts=self.invited_accounts,
            habilitation_sweep=self.habilitation_sweep,
            active_habilitations=self.active,
            codes=self.codes,
            activations=self.activations,
            attempts=self.attempts,
            letters=self.letters,
            code_hasher=self.hasher,
            new_code=self.new_code,
            letter_renderer=self.renderer,
            charter=self.charter,
            terms=self.terms,
            terms_acceptances=self.terms_acceptances,
        )

    def use_cases(self, links: Links = DEFAULT_LINKS, code_validity_months: int = 6) -> Habilitation:
        """The service's use cases on these fakes, wired as the service wires them."""
        return use_cases(self.adapters(), self.clock, links, code_validity_months, second_factor=self.second_factor)


def in_memory_adapters() -> Adapters:
    return InMemory().adapters()
