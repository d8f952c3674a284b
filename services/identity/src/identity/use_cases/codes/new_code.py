"""A fresh 6-digit code, from the system's secure random source."""

import secrets


def new_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"
