"""Account copies, asking the identity service for one the events have not brought yet.

A person who just created their account may act before its creation event is consumed
here; rather than refuse them, the copy is fetched over the bus once and stored.
"""

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
        if found is not None or not account_id:
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
        return copy

    async def many(self, account_ids: list[str]) -> dict[str, AccountCopy]:
        found = await self._copies.many([a for a in account_ids if a])
        for missing in {a for a in account_ids if a and a not in found}:
            copy = await self.get(missing)
            if copy is not None:
                found[missing] = copy
        return found

    async def of_organisation(self, siren: str) -> list[AccountCopy]:
        return await self._copies.of_organisation(siren)

    async def by_email(self, email: str) -> AccountCopy | None:
        return await self._copies.by_email(email.strip().lower())

    async def save(self, account: AccountCopy) -> None:
        await self._copies.save(account)
