"""« Gestion des utilisateurs »: the users of an organisation, their manager right and habilitations.

A page of users comes from the indexed listing (`UserListing`); only that page's people, habilitations
and granters are then read, so a page costs the same in a small and a large organisation. Organisation
and establishment names come from the directory (identity, over the bus): one call per organisation
the listed people belong to, usually just this one.
"""

import asyncio
from datetime import date

from contracts import habilitation_management as hm
from contracts.habilitation import ManagerRightV1
from contracts.habilitation_management import OrganisationUsersV1, OrganisationUserV1, UserHabilitationV1
from efp_runtime.message_context import MessageContext
from habilitation.domain.errors import InvalidInput, NotFound
from habilitation.domain.habilitation import Habilitation
from habilitation.domain.manager_right import ManagerRight
from habilitation.domain.second_factor import SecondFactorPolicy
from habilitation.use_cases.habilitations.views import habilitation_v1
from habilitation.use_cases.managers.access_control import require_manager
from habilitation.use_cases.organisation.ports import UserListing, UsersQuery
from habilitation.use_cases.paging import cursor, next_cursor
from habilitation.use_cases.ports import (
    AccountCopy,
    Accounts,
    Clock,
    Directory,
    Establishment,
    Habilitations,
    ManagerRights,
)

SORT_KEY_LENGTH = 3  # last name, first name, account id


class ListOrganisationUsers:
    def __init__(
        self,
        accounts: Accounts,
        habilitations: Habilitations,
        rights: ManagerRights,
        directory: Directory,
        listing: UserListing,
        clock: Clock,
        second_factor: SecondFactorPolicy,
    ) -> None:
        self._accounts = accounts
        self._directory = directory
        self._habilitations = habilitations
        self._rights = rights
        self._listing = listing
        self._clock = clock
        self._second_factor = second_factor

    async def __call__(self, command: hm.ListOrganisationUsersV1, context: MessageContext) -> OrganisationUsersV1:
        actor, siren, role, siret, q, after, limit = (
            command.actor,
            command.siren,
            command.role,
            command.siret,
            command.q,
            command.after,
            command.limit,
        )
        await require_manager(self._rights, actor, siren, self._second_factor)
        start = cursor(after, SORT_KEY_LENGTH)
        if limit is not None and limit < 1:
            raise InvalidInput("Le nombre d'éléments par page doit être positif.", field="limit")
        today = self._clock().date()
        query = UsersQuery(siren, today, role, siret, q, start, limit)
        page = await self._listing.page(query)
        users = await self._users(siren, page.account_ids, today)
        next_after = next_cursor(page.next_after)
        return OrganisationUsersV1(users=users, next_after=next_after, total=page.total)

    async def one(self, command: hm.GetOrganisationUserV1, context: MessageContext) -> OrganisationUserV1:
        await require_manager(self._rights, command.actor, command.siren, self._second_factor)
        today = self._clock().date()
        users = await self._users(command.siren, [command.account_id], today)
        if not users or (users[0].habilitations == [] and not await self._is_member(command.account_id, command.siren)):
            raise NotFound("Cet utilisateur n'appartient pas à la structure.")
        return users[0]

    async def _is_member(self, account_id: str, siren: str) -> bool:
        person = await self._accounts.get(account_id)
        return person is not None and person.siren == siren

    async def _users(self, siren: str, account_ids: list[str], today: date) -> list[OrganisationUserV1]:
        if not account_ids:
            return []
        people = await self._accounts.many(account_ids)
        found = await self._habilitations.of_organisation(siren, account_ids=account_ids)
        held = [h for h in found if h.allows(today)]
        # An appointed manager shows with the right, the charter not accepted yet or not.
        managers = {r.account_id: r for r in await self._rights.holders_of(siren)}
        names = await self._accounts.many(
            [h.granted_by for h in held] + [managers[a].granted_by or "" for a in account_ids if a in managers]
        )
        directory = await self._names(siren, {p.siren for p in people.values() if p.siren})
        return [
            user_v1(people[a], [h for h in held if h.account_id == a], managers.get(a), names, directory)
            for a in account_ids
            if a in people
        ]

    async def _names(self, siren: str, sirens: set[str]) -> "DirectoryNames":
        wanted = sorted(sirens | {siren})
        found = await asyncio.gather(*(self._directory.establishments(s) for s in wanted))
        return DirectoryNames([e for establishments in found for e in establishments])


class DirectoryNames:
    """The names of organisations and open establishments, by SIREN and SIRET."""

    def __init__(self, establishments: list[Establishment]) -> None:
        self.organisations = {e.siren: e.organisation_name for e in establishments}
        self.establishments = {e.siret: e.name for e in establishments}


def user_v1(
    person: AccountCopy,
    held: list[Habilitation],
    right: ManagerRight | None,
    names: dict[str, AccountCopy],
    directory: DirectoryNames,
) -> OrganisationUserV1:
    granter = names.get(right.granted_by or "") if right else None
    return OrganisationUserV1(
        account_id=person.account_id,
        email=person.email,
        civility=person.civility,
        last_name=person.last_name,
        first_name=person.first_name,
        job_title=person.job_title,
        phone=person.phone,
        manager_right=ManagerRightV1(
            account_id=right.account_id,
            siren=right.siren,
            granted_by=right.granted_by,
            granted_by_name=granter.display_name if granter else None,
            granted_at=right.granted_at,
            via=right.via,
        )
        if right
        else None,
        habilitations=[
            UserHabilitationV1(
                **habilitation_v1(h, names).model_dump(), establishment_name=directory.establishments.get(h.siret)
            )
            for h in held
        ],
        organisation_name=directory.organisations.get(person.siren or ""),
    )
