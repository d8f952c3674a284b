"""JOSE through joserfc: ES256 keys made, kept encrypted, used to sign and to check our own tokens.

Private keys rest in the database as PKCS#8 PEM encrypted with the service's secret key, and are
never logged. Each replica reads the keyring again every few seconds, so after a rotation every
replica signs with the new key within that time (the old one is still published meanwhile).
"""

import time
import uuid
from datetime import datetime
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, KeySet

from identity.domain.oidc import Keyring, SigningKeyEntry
from identity.use_cases.oidc.ports import KeyringStore

ALGORITHM = "ES256"
RELOAD_SECONDS = 10.0


class JoseKeyMaker:
    def __init__(self, password: str) -> None:
        self._password = password

    def __call__(self, now: datetime) -> SigningKeyEntry:
        kid = f"{now:%Y%m%d}-{uuid.uuid4().hex[:8]}"
        key = ECKey.generate_key("P-256", parameters={"kid": kid, "use": "sig", "alg": ALGORITHM})
        public = dict(key.as_dict(private=False))
        return SigningKeyEntry(
            kid=kid,
            state="next",
            private_pem=key.as_pem(private=True, password=self._password).decode(),
            public_jwk={k: str(v) for k, v in public.items()},
            created_at=now,
        )


class JoseTokenSigner:
    def __init__(self, store: KeyringStore, password: str, clock: Any, reload_seconds: float = RELOAD_SECONDS) -> None:
        self._store = store
        self._reload_seconds = reload_seconds
        self._password = password
        self._clock = clock
        self._keyring: Keyring | None = None
        self._loaded_at = 0.0
        self._private: dict[str, ECKey] = {}

    async def _current_keyring(self) -> Keyring:
        if self._keyring is None or time.monotonic() - self._loaded_at >= self._reload_seconds:
            self._keyring = await self._store.load()
            self._loaded_at = time.monotonic()
        return self._keyring

    def _key(self, entry: SigningKeyEntry) -> ECKey:
        if entry.kid not in self._private:
            # Decrypting costs a key derivation: once per key and process.
            self._private[entry.kid] = ECKey.import_key(
                entry.private_pem,
                parameters={"kid": entry.kid, "use": "sig", "alg": ALGORITHM},
                password=self._password,
            )
        return self._private[entry.kid]

    async def sign(self, claims: dict[str, Any], typ: str) -> str:
        current = (await self._current_keyring()).of_state("current")
        if current is None:
            raise RuntimeError("no current signing key: the service makes one at start-up")
        header = {"alg": ALGORITHM, "kid": current.kid, "typ": typ}
        return jwt.encode(header, claims, self._key(current), algorithms=[ALGORITHM])

    async def verify_own(self, token: str) -> dict[str, Any] | None:
        keyring = await self._current_keyring()
        keys = KeySet([self._key(entry) for entry in keyring.published(self._clock())])
        try:
            return dict(jwt.decode(token, keys, algorithms=[ALGORITHM]).claims)
        except (JoseError, ValueError):
            return None

    async def public_keys(self) -> list[dict[str, str]]:
        keyring = await self._current_keyring()
        return [
            {**entry.public_jwk, "kid": entry.kid, "use": "sig", "alg": ALGORITHM}
            for entry in keyring.published(self._clock())
        ]
