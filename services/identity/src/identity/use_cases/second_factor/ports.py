"""What the second-factor use cases need from the outside: the factors' store, a secret box, WebAuthn."""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from efp_runtime.outbox import OutboxMessage
from identity.domain.second_factor import Passkey, SecondFactors


class SecondFactorRepository(Protocol):
    async def get(self, account_id: str) -> SecondFactors:
        """The account's factors; an empty aggregate (version 0) when it never enrolled one."""
        ...

    async def enrolled(self, account_id: str) -> bool:
        """Whether a TOTP or a passkey is enrolled (read at each login and session look-up)."""
        ...

    async def save(self, factors: SecondFactors, messages: list[OutboxMessage]) -> None:
        """Write, with `messages` in the outbox, if nobody else did since `get` (version), else Conflict;
        bumps the version."""
        ...

    async def accept_totp_step(self, account_id: str, sealed_secret: str, step: int) -> bool:
        """Record `step` as the TOTP's last accepted one, atomically, only if it is after the stored one
        (and the TOTP is still `sealed_secret`): False for a replay, also a concurrent one."""
        ...

    async def use_recovery_code(self, account_id: str, code_hash: str, messages: list[OutboxMessage]) -> bool:
        """Remove the code, atomically, with `messages` in the outbox: True for the one caller that removed it
        (the others store no message)."""
        ...

    async def passkey_used(
        self, account_id: str, passkey_id: str, seen_sign_count: int, new_sign_count: int, at: datetime
    ) -> bool:
        """Store the new sign count and last use, only if the count is still `seen_sign_count`."""
        ...


class SecretBox(Protocol):
    """Authenticated encryption of secrets at rest (the TOTP secrets), with key rotation."""

    def seal(self, secret: str) -> str: ...

    def open(self, sealed: str) -> str: ...


@dataclass(frozen=True)
class CeremonyOptions:
    """WebAuthn options as the browser reads them (JSON text), and the challenge to keep server side."""

    options_json: str
    challenge: bytes


@dataclass(frozen=True)
class RegisteredCredential:
    id: str  # base64url
    public_key: bytes
    sign_count: int


@dataclass(frozen=True)
class Assertion:
    passkey_id: str
    new_sign_count: int


class PasskeyCeremonies(Protocol):
    """WebAuthn done by a library, bound to the relying party (id, name, allowed origins) of the settings.

    The verifications raise WrongSecondFactor for anything the browser's answer gets wrong.
    """

    def registration_options(self, account_id: str, email: str, existing: list[str]) -> CeremonyOptions: ...

    def verify_registration(self, credential_json: str, challenge: bytes) -> RegisteredCredential: ...

    def authentication_options(self, allowed: list[str]) -> CeremonyOptions: ...

    def credential_id_of(self, credential_json: str) -> str:
        """The id of the credential an authentication answer names (to find its public key)."""
        ...

    def verify_authentication(self, credential_json: str, challenge: bytes, passkey: Passkey) -> Assertion: ...
