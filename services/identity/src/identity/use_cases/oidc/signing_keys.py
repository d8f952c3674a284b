"""The signing keyring: published (JWKS), made at first start, rotated by an operator.

A rotation promotes the key published since the previous one (relying parties that cache the JWKS
already have it), keeps the old key published until every token it signed has expired, and makes
the next key. The keyring is one document written with a version check: two replicas starting at
once, or a rotation meeting a start, cannot leave two current keys.
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from contracts.oidc import GetSigningKeysV1, JwksV1, PublicJwkV1
from efp_runtime.message_context import MessageContext
from identity.domain.errors import Conflict
from identity.domain.oidc import ACCESS_TOKEN_LIFETIME, ID_TOKEN_LIFETIME, Keyring, SigningKeyEntry
from identity.use_cases.oidc.ports import KeyringStore, TokenSigner

# Past the longest token's life, plus what a relying party may cache the JWKS for (the gateway's max-age).
JWKS_CACHE = timedelta(minutes=5)
KEEP_RETIRED = max(ID_TOKEN_LIFETIME, ACCESS_TOKEN_LIFETIME) + JWKS_CACHE


class KeyMaker(Protocol):
    def __call__(self, now: datetime) -> SigningKeyEntry: ...


class _KeyringChange:
    """Load, change, save under the version check; again if another writer came first."""

    def __init__(self, store: KeyringStore, make: KeyMaker, clock: Callable[[], datetime]) -> None:
        self._store, self._make, self._clock = store, make, clock

    def _change(self, keyring: Keyring, now: datetime) -> bool:
        """Change the keyring in place; False when there is nothing to do."""
        raise NotImplementedError

    async def __call__(self) -> Keyring:
        for _ in range(3):
            keyring = await self._store.load()
            now = self._clock()
            if not self._change(keyring, now):
                return keyring
            if keyring.of_state("next") is None:
                keyring.keys.append(self._make(now))
            if await self._store.save(keyring):
                return keyring
        raise Conflict()


class EnsureSigningKeys(_KeyringChange):
    """At start-up: a signing key and a next one, made if missing."""

    def _change(self, keyring: Keyring, now: datetime) -> bool:
        if keyring.of_state("current") and keyring.of_state("next"):
            return False
        if keyring.of_state("current") is None:
            keyring.rotate(self._make(now), now, KEEP_RETIRED)
        return True


class RotateSigningKeys(_KeyringChange):
    def _change(self, keyring: Keyring, now: datetime) -> bool:
        keyring.rotate(self._make(now), now, KEEP_RETIRED)
        return True


class GetSigningKeys:
    def __init__(self, signer: TokenSigner) -> None:
        self._signer = signer

    async def __call__(self, request: GetSigningKeysV1, context: MessageContext) -> JwksV1:
        return JwksV1(keys=[PublicJwkV1.model_validate(key) for key in await self._signer.public_keys()])
