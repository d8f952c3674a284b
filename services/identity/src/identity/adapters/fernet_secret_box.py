"""Secrets at rest sealed with Fernet (AES-128-CBC + HMAC-SHA256, `cryptography`), keys rotated by MultiFernet.

`IDENTITY_SECOND_FACTOR_KEYS` lists the keys, the first one sealing and every one opening: a new key is
put first, and the old one kept until `rotate` has re-sealed what it sealed (or those secrets are gone).
"""

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class FernetSecretBox:
    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise ValueError("at least one second-factor key is needed")
        self._box = MultiFernet([Fernet(key.encode()) for key in keys])

    def seal(self, secret: str) -> str:
        return self._box.encrypt(secret.encode()).decode()

    def open(self, sealed: str) -> str:
        try:
            return self._box.decrypt(sealed.encode()).decode()
        except InvalidToken as error:
            # A key removed too early, or a tampered document: never a wrong code, an operator's problem.
            raise ValueError("a second-factor secret could not be opened with the configured keys") from error

    def rotate(self, sealed: str) -> str:
        """The same secret sealed with the first key."""
        return self._box.rotate(sealed.encode()).decode()
