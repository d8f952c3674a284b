"""Keep the local copy of an account current from the identity service's events."""

from contracts.accounts import AccountCreatedV1, AccountProfileUpdatedV1
from habilitation.use_cases.ports import AccountCopy, Accounts


class RecordAccount:
    def __init__(self, accounts: Accounts) -> None:
        self._accounts = accounts

    async def created(self, event: AccountCreatedV1) -> None:
        if await self._accounts.get(event.account_id) is not None:
            return  # a later update (or a copy fetched over RPC) already holds newer data
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
            )
        )

    async def profile_updated(self, event: AccountProfileUpdatedV1) -> None:
        current = await self._accounts.get(event.account_id)
        if current is None:
            return  # the creation event is still on its way; it carries the latest profile anyway
        if _older(event, current):
            return  # a replayed (redelivered, requeued) update must not undo a newer one
        await self._accounts.save(
            AccountCopy(
                account_id=current.account_id,
                email=current.email,
                kind=current.kind,
                civility=event.civility,
                last_name=event.last_name,
                first_name=event.first_name,
                job_title=event.job_title,
                phone=event.phone,
                siren=current.siren,
                profile_at=event.updated_at or current.profile_at,
            )
        )


def _older(event: AccountProfileUpdatedV1, current: AccountCopy) -> bool:
    return event.updated_at is not None and current.profile_at is not None and event.updated_at < current.profile_at
