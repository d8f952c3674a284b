"""Keyed SHA-256 (HMAC) of activation codes, scoped to their SIRET.

A stolen database must not yield usable codes: without the server key (HABILITATION_SECRET_KEY)
the hashes cannot be checked offline. Scoped to the SIRET, SIRET + code finds its document
by an exact index look-up. At ~59 bits a slow hash (argon2) would add cost and no safety.
"""

import hashlib
import hmac


class HmacCodeHasher:
    def __init__(self, key: bytes) -> None:
        if len(key) < 32:
            raise ValueError("the secret hashing key must be at least 32 bytes")
        self._key = key

    def hash(self, scope: str, secret: str) -> str:
        return hmac.new(self._key, f"{scope}:{secret}".encode(), hashlib.sha256).hexdigest()
