"""« Gestion des utilisateurs »: the users of an organisation, their manager right and habilitations.

Organisation and establishment names come from the directory (identity, over the bus): one call
per organisation the listed people belong to, usually just this one.
"""

import asyncio

from contracts.habilitation import ActorV1, ManagerRightV1
from contracts.habilitation_management import OrganisationUsersV1, OrganisationUserV1, UserHabilitationV1
from habilitation.domain.errors import NotFound
from habilitation.domain.habilitation import Habilitation
from habilitation.domain.manager_right import ManagerRight
from habilitation.use_cases.access_control import require_manager
from habilitation.use_cases.ports import (
    AccountCopy,
    Accounts,
    Clock,
    Directory,
    Establishment,
    Habilitations,
    ManagerRights,
)
from habilitation.use_cases.views import habilitation_v1


class ListOrganisationUsers:
    def __init__(
        self,
        accounts: Accounts,
        habilitations: Habilitations,
        rights: ManagerRights,
        directory: Directory,
        clock: Clock,
    ) -> None:
        self._accounts = accounts
        self._directory = directory
        self._habilitations = habilitations
        self._rights = rights
        self._clock = clock

    async def __call__(
        self, actor: ActorV1, siren: str, role: str | None = None, siret: str | None = None
    ) -> OrganisationUsersV1:
        await require_manager(self._rights, actor, siren)
        members = await self._accounts.of_organisation(siren)
        today = self._clock().date()
        held = [h for h in await self._habilitations.of_organisation(siren) if h.allows(today)]
        holders = {h.account_id for h in held}
        # Holders from elsewhere (delegations) are users of this organisation too.
        outsiders = await self._accounts.many([a for a in holders if a not in {m.account_id for m in members}])
        people = [*members, *outsiders.values()]
        managers = {r.account_id: r for r in await self._rights.managers_of(siren)}
        names = await self._accounts.many(
            [h.granted_by for h in held] + [r.granted_by or "" for r in managers.values()]
        )
        directory = await self._names(siren, {p.siren for p in people if p.siren})
        users = [
            user_v1(p, [h for h in held if h.account_id == p.account_id], managers.get(p.account_id), names, directory)
            for p in people
        ]
        if role or siret:
            users = [
                u
                for u in users
                if any((not role or h.role == role) and (not siret or h.siret == siret) for h in u.habilitations)
            ]
        return OrganisationUsersV1(users=users)

    async def _names(self, siren: str, sirens: set[str]) -> "DirectoryNames":
        wanted = sorted(sirens | {siren})
        found = await asyncio.gather(*(self._directory.establishments(s) for s in wanted))
        return DirectoryNames([e for establishments in found for e in establishments])

    async def one(self, actor: ActorV1, siren: str, account_id: str) -> OrganisationUserV1:
        listing = await self(actor, siren)
        for user in listing.users:
            if user.account_id == account_id:
                return user
        raise NotFound("Cet utilisateur n'appartient pas à la structure.")


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
