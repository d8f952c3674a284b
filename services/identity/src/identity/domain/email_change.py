"""A change of the account's address, pending until a code sent to the new address proves it.

Kept on the account document (`Account.pending_email_change`): one at a time per account, saved by the
account's version-checked write with its outbox, and gone with the account. The rules are sign-up's,
with the issue's 30-minute code: 5 wrong codes end the change, a new code once a minute.
"""

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from identity.domain.errors import CodeExpired, TooEarly, TooManyAttempts

CODE_VALIDITY = timedelta(minutes=30)
MAX_WRONG_CODES = 5
RESEND_COOLDOWN = timedelta(seconds=60)

NOTHING_PENDING = "Aucune modification d'adresse e-mail n'est en cours. Saisissez de nouveau votre nouvelle adresse."
ENDED = "Trop de codes incorrects ont été saisis : la modification de l'adresse e-mail est annulée."


@dataclass
class PendingEmailChange:
    # The scope of the code's keyed hash (a fresh one per change, so an old code never matches a new change).
    id: str
    new_email: str
    code_hash: str
    started_at: datetime
    expires_at: datetime
    resendable_at: datetime
    wrong_codes: int = 0

    @classmethod
    def start(
        cls, change_id: str, new_email: str, code_hash: str, now: datetime, cooldown: timedelta = RESEND_COOLDOWN
    ) -> "PendingEmailChange":
        return cls(change_id, new_email, code_hash, now, now + CODE_VALIDITY, now + cooldown)

    def expired(self, now: datetime) -> bool:
        return now >= self.expires_at

    def ensure_resendable(self, now: datetime) -> None:
        """Asking again for a code (the same or another address) waits for `resendable_at`."""
        if not self.expired(now) and now < self.resendable_at:
            wait = int((self.resendable_at - now).total_seconds()) + 1
            raise TooEarly(retry_after_seconds=wait, extra={"resendable_at": self.resendable_at.isoformat()})

    def matches(self, candidate_hash: str, now: datetime) -> bool:
        """False for a wrong code (counted); raises when no code may be tried any more."""
        if self.wrong_codes >= MAX_WRONG_CODES:
            raise TooManyAttempts(ENDED, field="code")
        if self.expired(now):
            raise CodeExpired(field="code")
        if hmac.compare_digest(candidate_hash, self.code_hash):
            return True
        self.wrong_codes += 1
        return False

    @property
    def spent(self) -> bool:
        return self.wrong_codes >= MAX_WRONG_CODES


def masked(email: str) -> str:
    """« jeanne@exemple.fr » → « j•••@exemple.fr »: enough for its owner to recognise, little for anyone else."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}"
