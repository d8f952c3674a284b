"""An access manager grants a habilitation: to a user of the organisation, or to themselves."""

from contracts import habilitation_management as hm
from contracts.habilitation import ActorV1, HabilitationGrantV1, HabilitationV1
from efp_runtime.message_context import MessageContext
from efp_runtime.outbox import Outgoing
from habilitation.domain.errors import NotFound
from habilitation.domain.habilitation import Via
from habilitation.domain.second_factor import SecondFactorPolicy
from habilitation.use_cases.habilitations.grant_habilitations import GrantHabilitations
from habilitation.use_cases.habilitations.messages import access_granted
from habilitation.use_cases.habilitations.views import habilitation_v1
from habilitation.use_cases.links import Links
from habilitation.use_cases.managers.access_control import require_manager
from habilitation.use_cases.messages import PRODUCER
from habilitation.use_cases.ports import Accounts, Directory, ManagerRights


class AssignHabilitation:
    def __init__(
        self,
        rights: ManagerRights,
        accounts: Accounts,
        directory: Directory,
        grants: GrantHabilitations,
        links: Links,
        second_factor: SecondFactorPolicy,
    ) -> None:
        self._rights = rights
        self._accounts = accounts
        self._directory = directory
        self._grants = grants
        self._links = links
        self._second_factor = second_factor

    async def to_user(self, command: hm.AddUserHabilitationV1, context: MessageContext) -> HabilitationV1:
        await require_manager(self._rights, command.actor, command.siren, self._second_factor)
        holder = await self._accounts.get(command.account_id)
        if holder is None or holder.siren != command.siren:
            raise NotFound("Cet utilisateur n'appartient pas à la structure.")
        return await self._grant(command.actor, command.siren, holder.account_id, command.grant, context)

    async def to_myself(self, command: hm.AssignMyHabilitationV1, context: MessageContext) -> HabilitationV1:
        """Right after activation the manager gives themselves a role on their organisation."""
        establishment = await self._directory.establishment(command.grant.siret)
        if establishment is None:
            raise NotFound("Cet établissement est introuvable ou fermé.")
        await require_manager(self._rights, command.actor, establishment.siren, self._second_factor)
        return await self._grant(command.actor, establishment.siren, command.actor.account_id, command.grant, context)

    async def _grant(
        self, actor: ActorV1, siren: str, account_id: str, grant: HabilitationGrantV1, context: MessageContext
    ) -> HabilitationV1:
        establishments = await self._grants.check(siren, [grant])
        holder = await self._accounts.get(account_id)
        email = Outgoing(PRODUCER, context)
        if holder is not None and account_id != actor.account_id:
            access_granted(email, holder, siren, [grant], establishments, self._links, after_request=False)
        [habilitation] = await self._grants.grant(
            account_id, siren, [grant], actor.account_id, Via.MANAGER, context, extra_messages=email
        )
        return habilitation_v1(habilitation, await self._accounts.many([actor.account_id]))
