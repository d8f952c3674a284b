"""Registration: the 5-step sign-up of an EFP Connect account, as an explicit state machine."""

import hmac
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from efp_runtime.state_machine import IllegalTransition, Transition, fire_recorded, machine
from identity.domain.errors import CodeExpired, RegistrationExpired, TooEarly, TooManyAttempts, WrongStep


class Step(StrEnum):
    VERIFY_EMAIL = "verify_email"
    PASSWORD = "password"  # noqa: S105 (the step's name, not a secret)
    IDENTITY = "identity"
    ORGANISATION = "organisation"
    COMPLETED = "completed"
    EXPIRED = "expired"


class Trigger(StrEnum):
    VERIFY_EMAIL = "verify_email"
    SET_PASSWORD = "set_password"  # noqa: S105 (the trigger's name, not a secret)
    SET_IDENTITY = "set_identity"
    COMPLETE = "complete"
    BACK_TO_IDENTITY = "back_to_identity"
    EXPIRE = "expire"


OPEN_STEPS = [Step.VERIFY_EMAIL, Step.PASSWORD, Step.IDENTITY, Step.ORGANISATION]

TRANSITIONS = [
    {"trigger": Trigger.VERIFY_EMAIL, "source": Step.VERIFY_EMAIL, "dest": Step.PASSWORD},
    {"trigger": Trigger.SET_PASSWORD, "source": Step.PASSWORD, "dest": Step.IDENTITY},
    {"trigger": Trigger.SET_IDENTITY, "source": Step.IDENTITY, "dest": Step.ORGANISATION},
    {"trigger": Trigger.COMPLETE, "source": Step.ORGANISATION, "dest": Step.COMPLETED},
    # « Retour » on the organisation step: the identity may be given again (nothing else is undone).
    {"trigger": Trigger.BACK_TO_IDENTITY, "source": Step.ORGANISATION, "dest": Step.IDENTITY},
    {"trigger": Trigger.EXPIRE, "source": OPEN_STEPS, "dest": Step.EXPIRED},
]

# Rules of the guide and DOMAIN.md: a 6-digit code valid 1 hour, dead after 5 wrong tries;
# a registration untouched for 1 hour expires.
CODE_VALIDITY = timedelta(hours=1)
MAX_WRONG_CODES = 5
INACTIVITY_LIMIT = timedelta(hours=1)
# A new code may be asked for once a minute (the 5-per-15-minutes cap is per address, in the use case).
RESEND_COOLDOWN = timedelta(seconds=60)

# One machine for every registration (model=None): thousands of aggregates, no per-object machine.
_MACHINE = machine(Step, TRANSITIONS, initial=Step.VERIFY_EMAIL)


@dataclass(frozen=True)
class RegistrationStarted:
    registration_id: str
    email: str
    code: str
    expires_at: datetime
    # The address already has an account: its owner is warned instead of sent a code.
    decoy: bool = False


@dataclass(frozen=True)
class CodeResent:
    registration_id: str
    email: str
    code: str
    decoy: bool


@dataclass(frozen=True)
class EmailVerified:
    registration_id: str


@dataclass(frozen=True)
class RegistrationCompleted:
    registration_id: str


@dataclass(frozen=True)
class RegistrationAbandoned:
    registration_id: str
    step: "Step"


DomainEvent = RegistrationStarted | CodeResent | EmailVerified | RegistrationCompleted | RegistrationAbandoned


@dataclass
class Registration:
    id: str
    email: str
    state: Step
    code_hash: str
    code_expires_at: datetime
    wrong_codes: int
    created_at: datetime
    last_activity_at: datetime
    code_sent_at: datetime | None = None
    decoy: bool = False
    # Codes sent again (« Renvoyer le code »): after the first, each needs a solved captcha.
    resends: int = 0
    password_hash: str | None = None
    civility: str | None = None
    last_name: str | None = None
    first_name: str | None = None
    version: int = 0
    history: list[Transition] = field(default_factory=list)
    events: list[DomainEvent] = field(default_factory=list)

    @classmethod
    def start(
        cls, registration_id: str, email: str, code: str, code_hash: str, now: datetime, decoy: bool = False
    ) -> "Registration":
        """Step 1 done: the address is known and a code is on its way.

        A decoy (the address has an account already) looks the same from outside, but its
        code hash matches no code anybody was sent, so it can never be verified.
        """
        registration = cls(
            id=registration_id,
            email=email,
            state=Step.VERIFY_EMAIL,
            code_hash=code_hash,
            code_expires_at=now + CODE_VALIDITY,
            wrong_codes=0,
            created_at=now,
            last_activity_at=now,
            code_sent_at=now,
            decoy=decoy,
        )
        registration.events.append(RegistrationStarted(registration_id, email, code, registration.expires_at, decoy))
        return registration

    @property
    def expires_at(self) -> datetime:
        return self.last_activity_at + INACTIVITY_LIMIT

    def verify_code(self, candidate_hash: str, now: datetime) -> bool:
        """Step 2. Returns False for a wrong code (counted); raises when no code may be tried."""
        self._ensure_open(now)
        if self.state is not Step.VERIFY_EMAIL:
            raise WrongStep()
        if self.wrong_codes >= MAX_WRONG_CODES:
            raise TooManyAttempts()
        if now >= self.code_expires_at:
            raise CodeExpired()
        self.last_activity_at = now
        if not hmac.compare_digest(candidate_hash, self.code_hash):
            self.wrong_codes += 1
            return False
        self._fire(Trigger.VERIFY_EMAIL, now)
        self.events.append(EmailVerified(self.id))
        return True

    def resend_code(self, code: str, code_hash: str, now: datetime, cooldown: timedelta = RESEND_COOLDOWN) -> None:
        """« Renvoyer le code »: a fresh code, fresh tries, at most once per `cooldown` (a minute)."""
        self._ensure_open(now)
        if self.state is not Step.VERIFY_EMAIL:
            raise WrongStep()
        if self.code_sent_at is not None and now < self.code_sent_at + cooldown:
            wait = int((self.code_sent_at + cooldown - now).total_seconds()) + 1
            raise TooEarly(retry_after_seconds=wait)
        self.code_hash = code_hash
        self.code_expires_at = now + CODE_VALIDITY
        self.wrong_codes = 0
        self.resends += 1
        self.code_sent_at = now
        self.last_activity_at = now
        self.events.append(CodeResent(self.id, self.email, code, self.decoy))

    def choose_password(self, password_hash: str, now: datetime) -> None:
        """Step 3: the password, already checked against the policy and hashed."""
        self._advance(Trigger.SET_PASSWORD, Step.PASSWORD, now)
        self.password_hash = password_hash

    def give_identity(self, civility: str, last_name: str, first_name: str, now: datetime) -> None:
        """Step 4: civilité, nom, prénom (already validated)."""
        self._advance(Trigger.SET_IDENTITY, Step.IDENTITY, now)
        self.civility, self.last_name, self.first_name = civility, last_name, first_name

    def go_back_to_identity(self, now: datetime) -> None:
        """From step 5 back to step 4; the identity given stays until it is given again."""
        self._advance(Trigger.BACK_TO_IDENTITY, Step.ORGANISATION, now)

    def complete(self, now: datetime) -> None:
        """Step 5 done: the account exists."""
        self._advance(Trigger.COMPLETE, Step.ORGANISATION, now)
        self.events.append(RegistrationCompleted(self.id))

    def abandon_if_idle(self, now: datetime) -> bool:
        """For the sweeper: expire an open registration left idle; True if it did."""
        if self.state not in OPEN_STEPS or now < self.expires_at:
            return False
        step = self.state
        self._fire(Trigger.EXPIRE, now)
        self.events.append(RegistrationAbandoned(self.id, step))
        return True

    def _advance(self, trigger: Trigger, expected: Step, now: datetime) -> None:
        self._ensure_open(now)
        if self.state is not expected:
            raise WrongStep()
        self.last_activity_at = now
        self._fire(trigger, now)

    def _ensure_open(self, now: datetime) -> None:
        self.abandon_if_idle(now)
        if self.state is Step.EXPIRED:
            raise RegistrationExpired()

    def _fire(self, trigger: Trigger, now: datetime) -> None:
        try:
            self.state, transition = fire_recorded(_MACHINE, self.state, trigger.value, now)
        except IllegalTransition as exc:
            raise WrongStep() from exc
        self.history.append(transition)
