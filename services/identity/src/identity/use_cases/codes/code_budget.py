"""The daily budget of wrong codes per address and purpose, across resends and new requests.

Each code allows 5 tries, and a resend or a new request gives a fresh code: without a total, about
2,400 guesses a day reached a chosen account's reset. Past the budget no code of that purpose is
tried for that address until a day after the last wrong one; the owner is told once, by e-mail.
A budget per purpose, so wrong sign-up codes cannot spend the owner's password-reset tries.
"""

from datetime import datetime

from identity.domain.errors import TooManyAttempts
from identity.use_cases.codes.ports import WrongCodeLog

DAILY_WRONG_CODES = 20  # 20 in a million a day, against 2,400 before
SPENT = "Trop de codes incorrects ont été saisis pour cette adresse. Par sécurité, réessayez dans 24 heures."


def _key(purpose: str, address: str) -> str:
    return f"codes:{purpose}:{address}"


async def ensure_code_budget(log: WrongCodeLog, purpose: str, address: str) -> None:
    """Raise TooManyAttempts once the address has spent its budget for `purpose`."""
    failures = await log.get(_key(purpose, address))
    if failures is not None and failures.count >= DAILY_WRONG_CODES:
        raise TooManyAttempts(SPENT, field="code")


async def count_wrong_code(log: WrongCodeLog, purpose: str, address: str, now: datetime) -> bool:
    """Count one wrong code; True when this one spends the budget (the moment to tell the owner)."""
    failures = await log.record(_key(purpose, address), now)
    return failures.count == DAILY_WRONG_CODES
