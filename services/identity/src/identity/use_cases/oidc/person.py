"""The person the claims describe: the account and its organisation's name from the directory."""

from identity.domain.account import Account
from identity.domain.oidc import Person
from identity.use_cases.organisations.ports import OrganisationDirectory


class PersonFinder:
    def __init__(self, directory: OrganisationDirectory) -> None:
        self._directory = directory

    async def __call__(self, account: Account) -> Person:
        name = None
        if account.siren:
            found = await self._directory.offered_organisations([account.siren])
            name = found[0].name if found else None
        return Person(
            account_id=account.id,
            email=account.email,
            civility=account.civility,
            first_name=account.first_name,
            last_name=account.last_name,
            siren=account.siren,
            organization_name=name,
        )
