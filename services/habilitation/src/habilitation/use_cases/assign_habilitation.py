"""An access manager grants a habilitation: to a user of the organisation, or to themselves."""

from contracts.habilitation import ActorV1, HabilitationGrantV1, HabilitationV1
from efp_runtime.message_context import MessageContext
from habilitation.domain.errors import NotFound
from habilitation.domain.habilitation import Via
from habilitation.use_cases.access_control import require_manager
from habilitation.use_cases.grant_habilitations import GrantHabilitations
from habilitation.use_cases.outgoing import Links, Outgoing
from habilitation.use_cases.ports import Accounts, Directory, ManagerRights
from habilitation.use_cases.views import habilitation_v1


class AssignHabilitation:
    def __init__(
        self, rights: ManagerRights, accounts: Accounts, directory: Directory, grants: GrantHabilitations, links: Links
    ) -> None:
        self._rights = rights
        self._accounts = accounts
        self._directory = directory
        self._grants = grants
        self._links = links

    async def to_user(
        self, actor: ActorV1, siren: str, account_id: str, grant: HabilitationGrantV1, context: MessageContext
    ) -> HabilitationV1:
        await require_manager(self._rights, actor, siren)
        holder = await self._accounts.get(account_id)
        if holder is None or holder.siren != siren:
            raise NotFound("Cet utilisateur n'appartient pas à la structure.")
        return await self._grant(actor, siren, holder.account_id, grant, context)

    async def to_myself(self, actor: ActorV1, grant: HabilitationGrantV1, context: MessageContext) -> HabilitationV1:
        """Right after activation the manager gives themselves a role on their organisation."""
        establishment = await self._directory.establishment(grant.siret)
        if establishment is None:
            raise NotFound("Cet établissement est introuvable ou fermé.")
        await require_manager(self._rights, actor, establishment.siren)
        return await self._grant(actor, establishment.siren, actor.account_id, grant, context)

    async def _grant(
        self, actor: ActorV1, siren: str, account_id: str, grant: HabilitationGrantV1, context: MessageContext
    ) -> HabilitationV1:
        establishments = await self._grants.check(siren, [grant])
        holder = await self._accounts.get(account_id)
        email = Outgoing(context)
        if holder is not None and account_id != actor.account_id:
            email.access_granted(holder, siren, [grant], establishments, self._links, after_request=False)
        [habilitation] = await self._grants.grant(
            account_id, siren, [grant], actor.account_id, Via.MANAGER, context, extra_messages=email
        )
        return habilitation_v1(habilitation, await self._accounts.many([actor.account_id]))
