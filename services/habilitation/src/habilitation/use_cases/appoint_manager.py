"""Give or withdraw the access-manager right of a user of the organisation; never the last one."""

from contracts.habilitation import ActorV1, ManagerRightGrantedV1, ManagerRightV1, ManagerRightWithdrawnV1
from contracts.habilitation_management import DoneV1, OrganisationUserV1
from contracts.notification import ManagerRightGrantedV1 as RightGrantedEmail
from contracts.notification import ManagerRightWithdrawnV1 as RightWithdrawnEmail
from efp_runtime.message_context import MessageContext
from habilitation.domain.catalogue import CERES
from habilitation.domain.errors import LastManager, NotFound
from habilitation.domain.manager_right import ManagerRight
from habilitation.use_cases.access_control import require_manager
from habilitation.use_cases.list_organisation_users import ListOrganisationUsers
from habilitation.use_cases.outgoing import Links, Outgoing
from habilitation.use_cases.ports import Accounts, Clock, Directory, ManagerRights


class AppointManager:
    def __init__(
        self,
        rights: ManagerRights,
        accounts: Accounts,
        directory: Directory,
        users: ListOrganisationUsers,
        links: Links,
        clock: Clock,
    ) -> None:
        self._rights = rights
        self._accounts = accounts
        self._directory = directory
        self._users = users
        self._links = links
        self._clock = clock

    async def appoint(self, actor: ActorV1, siren: str, account_id: str, context: MessageContext) -> OrganisationUserV1:
        await require_manager(self._rights, actor, siren)
        person = await self._accounts.get(account_id)
        if person is None or person.siren != siren:
            raise NotFound("Cet utilisateur n'appartient pas à la structure.")
        now = self._clock()
        right = await self._rights.get(account_id, siren)
        if right is not None and right.active:
            return await self._users.one(actor, siren, account_id)  # already manager: nothing to do
        if right is None:
            right = ManagerRight.grant(
                account_id=account_id,
                siren=siren,
                granted_by=actor.account_id,
                granted_at=now,
                via="manager",
                charter_version=None,
            )
        else:
            right.regrant(actor.account_id, now, "manager", None)
        granter = await self._accounts.get(actor.account_id)
        outgoing = Outgoing(context)
        outgoing.event(
            ManagerRightGrantedV1(
                right=ManagerRightV1(
                    account_id=account_id,
                    siren=siren,
                    granted_by=actor.account_id,
                    granted_by_name=granter.display_name if granter else None,
                    granted_at=now,
                    via="manager",
                )
            )
        )
        organisation = await self._organisation_name(siren)
        outgoing.email(
            person.email,
            RightGrantedEmail(
                service_label=CERES.label,
                organisation_name=organisation,
                siren=siren,
                granted_by_first_name=granter.first_name if granter else "",
                granted_by_last_name=granter.last_name if granter else "",
                granted_on=now.date(),
                link=self._links.my_habilitations(),
            ),
            account_id=account_id,
            siren=siren,
        )
        await self._rights.save(right, outgoing.messages)
        return await self._users.one(actor, siren, account_id)

    async def withdraw(self, actor: ActorV1, siren: str, account_id: str, context: MessageContext) -> DoneV1:
        await require_manager(self._rights, actor, siren)
        right = await self._rights.get(account_id, siren)
        if right is None or not right.active:
            raise NotFound("Cet utilisateur n'est pas responsable des accès de la structure.")
        if len(await self._rights.managers_of(siren)) <= 1:
            raise LastManager()
        now = self._clock()
        right.withdraw(actor.account_id, now)
        person, withdrawer = await self._accounts.get(account_id), await self._accounts.get(actor.account_id)
        outgoing = Outgoing(context)
        outgoing.event(ManagerRightWithdrawnV1(account_id=account_id, siren=siren, withdrawn_by=actor.account_id))
        if person is not None:
            outgoing.email(
                person.email,
                RightWithdrawnEmail(
                    service_label=CERES.label,
                    organisation_name=await self._organisation_name(siren),
                    siren=siren,
                    withdrawn_by_first_name=withdrawer.first_name if withdrawer else "",
                    withdrawn_by_last_name=withdrawer.last_name if withdrawer else "",
                    withdrawn_on=now.date(),
                    link=self._links.my_habilitations(),
                ),
                account_id=account_id,
                siren=siren,
            )
        await self._rights.save(right, outgoing.messages)
        return DoneV1()

    async def _organisation_name(self, siren: str) -> str:
        establishments = await self._directory.establishments(siren)
        return establishments[0].organisation_name if establishments else siren
