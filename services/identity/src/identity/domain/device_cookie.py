"""Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device Cookies").

A successful login gives the browser a cookie naming a random nonce, signed for that login (an
HMAC over the address and the nonce). Failures from a browser that presents a valid one count
against that device, not against the address: an attacker elsewhere who keeps a known address
locked for untrusted browsers cannot lock its owner out.
"""

import hmac
from collections.abc import Callable

# (scope, secret) -> keyed hash: identity's SecretHasher.
Sign = Callable[[str, str], str]
SEPARATOR = "."


def _scope(address: str) -> str:
    return f"device:{address}"


def device_token(address: str, nonce: str, sign: Sign) -> str:
    return f"{nonce}{SEPARATOR}{sign(_scope(address), nonce)}"


def trusted_device(address: str, token: str | None, sign: Sign) -> str | None:
    """The device's nonce when `token` was issued at a successful login to `address`, else None."""
    if not token or token.count(SEPARATOR) != 1:
        return None
    nonce, signature = token.split(SEPARATOR)
    if not nonce or not hmac.compare_digest(signature, sign(_scope(address), nonce)):
        return None
    return nonce
