"""Keep the local copy of an account current from the identity service's events.

A deleted account's copy is a tombstone: no event about it (a replay, a late delivery) brings data back.
"""

from dataclasses import replace
from datetime import datetime

from contracts.accounts import AccountCreatedV1, AccountProfileUpdatedV1
from contracts.privacy import AccountEmailChangedV1
from habilitation.use_cases.ports import AccountCopy, Accounts


class RecordAccount:
    def __init__(self, accounts: Accounts) -> None:
        self._accounts = accounts

    async def created(self, event: AccountCreatedV1) -> None:
        if await self._accounts.get(event.account_id) is not None or await self._accounts.deleted(event.account_id):
            return  # a later update (or a copy fetched over RPC) already holds newer data, or the account is gone
        await self._accounts.save(
            AccountCopy(
                account_id=event.account_id,
                email=event.email,
                kind=event.kind,
                civility=event.civility,
                last_name=event.last_name,
                first_name=event.first_name,
                job_title=event.job_title,
                siren=event.siren,
                profile_at=event.created_at,
                email_at=event.created_at,
            )
        )

    async def profile_updated(self, event: AccountProfileUpdatedV1) -> None:
        current = await self._accounts.get(event.account_id)
        if current is None:
            return  # the creation event is still on its way (it carries the latest profile anyway), or deleted
        if _older(event.updated_at, current.profile_at):
            return  # a replayed (redelivered, requeued) update must not undo a newer one
        await self._accounts.save(
            replace(
                current,
                civility=event.civility,
                last_name=event.last_name,
                first_name=event.first_name,
                job_title=event.job_title,
                phone=event.phone,
                profile_at=event.updated_at or current.profile_at,
            )
        )

    async def email_changed(self, event: AccountEmailChangedV1) -> None:
        current = await self._accounts.get(event.account_id)
        if current is None:
            return  # not copied yet (the RPC fallback will fetch the current address), or deleted
        if _older(event.changed_at, current.email_at):
            return  # an older change replayed after a newer one
        await self._accounts.save(replace(current, email=event.email, email_at=event.changed_at))


def _older(at: datetime | None, held: datetime | None) -> bool:
    return at is not None and held is not None and at < held
