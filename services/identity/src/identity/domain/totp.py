"""TOTP codes (RFC 6238: 30 s, 6 digits, SHA-1, what every authenticator app reads) and their replay rule.

A code is accepted for the current step and one on each side (clock drift), and only if its step
is after the last one accepted: a code seen once (over a shoulder, in a phishing proxy) is spent.
The last accepted step is stored by a conditional write (the repository), so the rule holds under
concurrency too. pyotp computes the codes; the window is ours (pyotp's `verify` knows no replay).
"""

import hmac

import pyotp

DIGITS = 6
ISSUER = "EFP Connect"
# Steps accepted either side of the current one.
DRIFT_STEPS = 1


def new_secret() -> str:
    """160 random bits in base32 (RFC 4226's recommended length)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret, digits=DIGITS).provisioning_uri(name=email, issuer_name=ISSUER)


def matching_step(secret: str, typed: str, now_timestamp: float, last_step: int | None) -> int | None:
    """The step `typed` is the code of, within the window and after `last_step`; None otherwise."""
    code = "".join(typed.split())
    if len(code) != DIGITS or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS)
    current = totp.timecode(now_timestamp)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step if last_step is None or step > last_step else None
    return None


def code_at(secret: str, step: int) -> str:
    """The code of a step (tests, and nothing else, compute codes)."""
    return pyotp.TOTP(secret, digits=DIGITS).generate_otp(step)
