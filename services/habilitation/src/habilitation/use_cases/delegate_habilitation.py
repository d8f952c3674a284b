"""« Déléguer une habilitation à un tiers » (guide 001): a person of another organisation, until a date."""

from contracts.habilitation import ActorV1, HabilitationGrantV1, HabilitationV1
from efp_runtime.message_context import MessageContext
from habilitation.domain.errors import InvalidInput, NotFound
from habilitation.domain.habilitation import THIRD_PARTY_NEEDS_END_DATE, Via
from habilitation.use_cases.access_control import require_manager
from habilitation.use_cases.grant_habilitations import GrantHabilitations
from habilitation.use_cases.outgoing import Links, Outgoing
from habilitation.use_cases.ports import Accounts, ManagerRights
from habilitation.use_cases.views import habilitation_v1


class DelegateHabilitation:
    def __init__(self, rights: ManagerRights, accounts: Accounts, grants: GrantHabilitations, links: Links) -> None:
        self._rights = rights
        self._accounts = accounts
        self._grants = grants
        self._links = links

    async def __call__(
        self, actor: ActorV1, siren: str, email: str, grant: HabilitationGrantV1, context: MessageContext
    ) -> HabilitationV1:
        await require_manager(self._rights, actor, siren)
        if grant.end_date is None:
            raise InvalidInput(THIRD_PARTY_NEEDS_END_DATE, field="end_date")
        delegate = await self._accounts.by_email(email)
        if delegate is None:
            raise NotFound("Aucun compte EFP Connect ne correspond à cette adresse e-mail.")
        if delegate.siren == siren:
            raise InvalidInput(
                "Cette personne appartient à votre structure : ajoutez-lui une habilitation directement.", field="email"
            )
        establishments = await self._grants.check(siren, [grant])
        email_out = Outgoing(context)
        email_out.access_granted(delegate, siren, [grant], establishments, self._links, after_request=False)
        [habilitation] = await self._grants.grant(
            delegate.account_id, siren, [grant], actor.account_id, Via.DELEGATION, context, extra_messages=email_out
        )
        return habilitation_v1(habilitation, await self._accounts.many([actor.account_id]))
