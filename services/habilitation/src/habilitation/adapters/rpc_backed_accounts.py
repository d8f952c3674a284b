"""Account copies, asking the identity service for one the events have not brought yet.

A person who just created their account may act before its creation event is consumed
here; rather than refuse them, the copy is fetched over the bus once and stored. A deleted
account (its copy a tombstone) is never asked for: it is gone, identity would refuse anyway.
"""

from datetime import datetime

from contracts.accounts import GetProfileV1
from efp_runtime.rpc import RpcClient, RpcRefused
from habilitation.adapters.mongo_account_copies import MongoAccountCopies
from habilitation.use_cases.ports import AccountCopy


class RpcBackedAccounts:
    def __init__(self, copies: MongoAccountCopies, rpc: RpcClient) -> None:
        self._copies = copies
        self._rpc = rpc

    async def get(self, account_id: str) -> AccountCopy | None:
        found = await self._copies.get(account_id)
        if found is not None or not account_id or await self._copies.deleted(account_id):
            return found
        try:
            profile = await self._rpc.call("identity", GetProfileV1(account_id=account_id))
        except RpcRefused:
            return None
        copy = AccountCopy(
            account_id=profile.account_id,
            email=profile.email,
            kind=profile.kind,
            civility=profile.civility,
            last_name=profile.last_name,
            first_name=profile.first_name,
            job_title=profile.job_title,
            phone=profile.phone,
            siren=profile.siren,
        )
        await self._copies.save(copy)
        # Deleted while identity answered: the tombstone refused the copy, the person is gone.
        return await self._copies.get(account_id)

    async def many(self, account_ids: list[str]) -> dict[str, AccountCopy]:
        found = await self._copies.many([a for a in account_ids if a])
        absent = {a for a in account_ids if a and a not in found}
        for account_id in absent - (await self._copies.deleted_among(absent) if absent else set()):
            copy = await self.get(account_id)
            if copy is not None:
                found[account_id] = copy
        return found

    async def of_organisation(self, siren: str) -> list[AccountCopy]:
        return await self._copies.of_organisation(siren)

    async def by_email(self, email: str) -> AccountCopy | None:
        return await self._copies.by_email(email.strip().lower())

    async def save(self, account: AccountCopy) -> None:
        await self._copies.save(account)

    async def forget(self, account_id: str, deleted_at: datetime) -> None:
        await self._copies.forget(account_id, deleted_at)

    async def deleted(self, account_id: str) -> bool:
        return await self._copies.deleted(account_id)
