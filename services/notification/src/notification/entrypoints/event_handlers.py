"""Events of other services this one follows: an identity account deleted."""

from typing import Any

from contracts.privacy import AccountDeletedV1
from notification.use_cases.privacy.erase_account_emails import EraseAccountEmails


def make_account_deleted_handler(erase: EraseAccountEmails) -> Any:
    # Idempotent: a redelivered event finds the e-mails erased (or marked) already.
    async def on_account_deleted(event: AccountDeletedV1) -> None:
        await erase(event)

    return on_account_deleted
