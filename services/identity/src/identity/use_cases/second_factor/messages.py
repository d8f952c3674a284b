"""The security notice of a changed second factor (ASVS V2.2.3), put in the outbox by the write of the change.

A recovery code used to log in is told too: it is the path of a lost device, so of a stolen password.
"""

from datetime import datetime

from contracts.accounts import SessionsChangedV1
from contracts.notification import SecondFactorChange, SecondFactorChangedEmailV1
from efp_runtime.message_context import MessageContext
from efp_runtime.outbox import OutboxMessage, Outgoing
from identity.domain.account import Account
from identity.use_cases.accounts.messages import PRODUCER

# The changes that may turn the account's « double authentification » on or off.
ENROLMENT_CHANGES = frozenset({"totp_enrolled", "passkey_added", "totp_removed", "passkey_removed"})


def second_factor_notice(
    account: Account,
    change: SecondFactorChange,
    at: datetime,
    context: MessageContext,
    *,
    passkey_name: str | None = None,
    recovery_codes_left: int | None = None,
) -> list[OutboxMessage]:
    """The outbox of the write that makes `change` (`at`: when), with the « double authentification
    modifiée » e-mail to the account's address."""
    content = SecondFactorChangedEmailV1(
        change=change, changed_at=at, passkey_name=passkey_name, recovery_codes_left=recovery_codes_left
    )
    out = Outgoing(PRODUCER, context)
    out.email(account.email, content, account_id=account.id)
    if change in ENROLMENT_CHANGES:
        # Every session of the account now says another `second_factor_enrolled`.
        out.event(SessionsChangedV1(account_id=account.id, changed_at=at))
    return out.messages
