"""The second factors of an account: a TOTP (active, and a pending enrolment), passkeys, recovery codes.

One aggregate per account. Secrets never appear here in clear: the TOTP secrets are sealed by the
use cases (SecretBox, Fernet) and the recovery codes are kept as keyed hashes. Uses that must be
single (a TOTP step, a recovery code, a passkey's sign count) are also checked by the repository in
one conditional write, so two concurrent uses of one code cannot both pass.
"""

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from identity.domain.errors import InvalidInput, NotFound
from identity.domain.session import Challenge

# An enrolment started but not confirmed is forgotten after this (the QR code shown again if needed).
PENDING_TOTP_LIFETIME = timedelta(minutes=15)
REGISTRATION_LIFETIME = timedelta(minutes=5)
RECOVERY_CODE_COUNT = 10
# No 0/O, 1/I/L: read on paper and typed by hand. 32 symbols, 10 of them: 50 bits per code.
RECOVERY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
RECOVERY_GROUPS = (4, 4, 2)
PASSKEY_NAME_MAX = 64
TOTP_ALREADY_ACTIVE = (
    "Une application d'authentification est déjà configurée. Retirez-la avant d'en configurer une autre."
)
NO_PENDING_TOTP = "Aucune configuration d'application n'est en cours ou elle a expiré. Veuillez recommencer."


@dataclass
class Passkey:
    id: str  # the credential id, base64url (as the browser names it)
    public_key: bytes  # COSE
    sign_count: int
    name: str
    created_at: datetime
    last_used_at: datetime | None = None


@dataclass
class SealedTotp:
    """A TOTP secret sealed by the SecretBox; `last_step`: the last 30-s step accepted (replays)."""

    sealed_secret: str
    since: datetime
    last_step: int | None = None


@dataclass
class SecondFactors:
    account_id: str
    totp: SealedTotp | None = None
    pending_totp: SealedTotp | None = None
    passkeys: list[Passkey] = field(default_factory=list)
    # Keyed hashes of the unused recovery codes.
    recovery_code_hashes: list[str] = field(default_factory=list)
    registration: Challenge | None = None
    # Optimistic concurrency: each write checks and bumps it (the atomic uses bump it too).
    version: int = 0

    @property
    def enrolled(self) -> bool:
        return self.totp is not None or bool(self.passkeys)

    def start_totp(self, sealed_secret: str, now: datetime) -> None:
        if self.totp is not None:
            raise InvalidInput(TOTP_ALREADY_ACTIVE)
        self.pending_totp = SealedTotp(sealed_secret, now)

    def pending_totp_at(self, now: datetime) -> SealedTotp:
        pending = self.pending_totp
        if pending is None or now >= pending.since + PENDING_TOTP_LIFETIME:
            raise InvalidInput(NO_PENDING_TOTP, field="code")
        return pending

    def activate_totp(self, step: int, now: datetime) -> bool:
        """The pending secret becomes the TOTP, its confirming step used; True if it is the first factor."""
        first = not self.enrolled
        pending = self.pending_totp_at(now)
        self.totp = SealedTotp(pending.sealed_secret, now, last_step=step)
        self.pending_totp = None
        return first

    def remove_totp(self) -> None:
        if self.totp is None:
            raise InvalidInput("Aucune application d'authentification n'est configurée.")
        self.totp = None
        self._forget_codes_if_none_left()

    def start_registration(self, challenge: bytes, now: datetime) -> None:
        self.registration = Challenge(challenge, now + REGISTRATION_LIFETIME)

    def take_registration(self, now: datetime) -> bytes:
        """The registration challenge, once: the save that follows is version-checked."""
        registration, self.registration = self.registration, None
        if registration is None or not registration.valid(now):
            raise InvalidInput("L'ajout de la clé d'accès a expiré. Veuillez recommencer.")
        return registration.value

    def add_passkey(self, passkey: Passkey) -> bool:
        """True if it is the account's first factor."""
        if any(p.id == passkey.id for p in self.passkeys):
            raise InvalidInput("Cette clé d'accès est déjà enregistrée.")
        first = not self.enrolled
        self.passkeys.append(passkey)
        return first

    def remove_passkey(self, passkey_id: str) -> Passkey:
        """The passkey removed (its name goes in the notice)."""
        removed = self.passkey(passkey_id)
        if removed is None:
            raise NotFound("Cette clé d'accès est introuvable.")
        self.passkeys = [p for p in self.passkeys if p.id != passkey_id]
        self._forget_codes_if_none_left()
        return removed

    def passkey(self, passkey_id: str) -> Passkey | None:
        return next((p for p in self.passkeys if p.id == passkey_id), None)

    def replace_recovery_codes(self, hashes: list[str]) -> None:
        self.recovery_code_hashes = list(hashes)

    def _forget_codes_if_none_left(self) -> None:
        # Recovery codes stand in for a factor: with none left they would be a factor of their own.
        if not self.enrolled:
            self.recovery_code_hashes = []


def passkey_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not 1 <= len(cleaned) <= PASSKEY_NAME_MAX:
        raise InvalidInput(f"Le nom de la clé d'accès doit faire de 1 à {PASSKEY_NAME_MAX} caractères.", field="name")
    return cleaned


def new_recovery_codes() -> list[str]:
    """Ten codes like `ABCD-EFGH-JK`, shown once."""
    return [_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]


def _recovery_code() -> str:
    return "-".join("".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(n)) for n in RECOVERY_GROUPS)


def canonical_recovery_code(typed: str) -> str:
    """What is hashed: upper case, without the dashes and spaces a person may or may not type."""
    return "".join(c for c in typed.upper() if c.isalnum())


def recovery_scope(account_id: str) -> str:
    """The SecretHasher scope of an account's recovery codes."""
    return f"recovery-code:{account_id}"
