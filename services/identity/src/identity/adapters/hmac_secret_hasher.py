"""Keyed SHA-256 (HMAC) of short secrets.

A 6-digit code has only a million values: a plain hash would be reversed at once from a
stolen database. Keyed with a server secret and scoped to its aggregate's id, it is not;
the online guess limit (5 tries) does the rest. argon2 would cost ~100 ms per check for
no gain at this entropy.
"""

import hashlib
import hmac


class HmacSecretHasher:
    def __init__(self, key: bytes) -> None:
        if len(key) < 32:
            raise ValueError("the secret hashing key must be at least 32 bytes")
        self._key = key

    def hash(self, scope: str, secret: str) -> str:
        return hmac.new(self._key, f"{scope}:{secret}".encode(), hashlib.sha256).hexdigest()
