"""argon2id password hashing (argon2-cffi), off the event loop.

Parameters: OWASP's first recommendation, m=19 MiB, t=2, p=1 (~20 ms per hash here, so
~50 logins/s per core, above the 20/s goal). Changing them makes `needs_rehash` true for
older hashes, and login rehashes them.
"""

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

TIME_COST = 2
MEMORY_COST_KIB = 19 * 1024
PARALLELISM = 1


class Argon2PasswordHasher:
    def __init__(self, time_cost: int = TIME_COST, memory_cost: int = MEMORY_COST_KIB, parallelism: int = PARALLELISM):
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)
        self._dummy = self._hasher.hash("not a password of anybody")

    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(self._hasher.hash, password)

    async def verify(self, password_hash: str, password: str) -> bool:
        return await asyncio.to_thread(self._verify, password_hash, password)

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)

    async def waste_time(self) -> None:
        await self.verify(self._dummy, "still not a password")

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError, UnicodeError, ValueError):
            return False  # a damaged stored hash denies the login, it does not crash it
