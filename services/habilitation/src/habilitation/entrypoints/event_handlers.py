"""Events of other services this one keeps up with: the identity service's accounts."""

from typing import Any

from contracts.accounts import AccountCreatedV1, AccountProfileUpdatedV1
from habilitation.use_cases.organisation.record_account import RecordAccount


def make_account_event_handlers(record: RecordAccount) -> tuple[Any, Any]:
    # Upserts of the full copy: a redelivered event writes the same document again.
    async def on_account_created(event: AccountCreatedV1) -> None:
        await record.created(event)

    async def on_account_profile_updated(event: AccountProfileUpdatedV1) -> None:
        await record.profile_updated(event)

    return on_account_created, on_account_profile_updated
