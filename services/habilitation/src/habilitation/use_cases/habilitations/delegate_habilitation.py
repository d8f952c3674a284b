"""« Déléguer une habilitation à un tiers » (guide 001): a person of another organisation, until a date."""

from contracts import habilitation_management as hm
from contracts.habilitation import HabilitationV1
from efp_runtime.message_context import MessageContext
from efp_runtime.outbox import Outgoing
from habilitation.domain.errors import InvalidInput, NotFound
from habilitation.domain.habilitation import THIRD_PARTY_NEEDS_END_DATE, Via
from habilitation.domain.second_factor import SecondFactorPolicy
from habilitation.use_cases.habilitations.grant_habilitations import GrantHabilitations
from habilitation.use_cases.habilitations.messages import access_granted
from habilitation.use_cases.habilitations.views import habilitation_v1
from habilitation.use_cases.links import Links
from habilitation.use_cases.managers.access_control import require_manager
from habilitation.use_cases.messages import PRODUCER
from habilitation.use_cases.ports import Accounts, ManagerRights


class DelegateHabilitation:
    def __init__(
        self,
        rights: ManagerRights,
        accounts: Accounts,
        grants: GrantHabilitations,
        links: Links,
        second_factor: SecondFactorPolicy,
    ) -> None:
        self._rights = rights
        self._accounts = accounts
        self._grants = grants
        self._links = links
        self._second_factor = second_factor

    async def __call__(self, command: hm.DelegateHabilitationV1, context: MessageContext) -> HabilitationV1:
        await require_manager(self._rights, command.actor, command.siren, self._second_factor)
        if command.grant.end_date is None:
            raise InvalidInput(THIRD_PARTY_NEEDS_END_DATE, field="end_date")
        delegate = await self._accounts.by_email(command.email)
        if delegate is None:
            raise NotFound("Aucun compte EFP Connect ne correspond à cette adresse e-mail.")
        if delegate.siren == command.siren:
            raise InvalidInput(
                "Cette personne appartient à votre structure : ajoutez-lui une habilitation directement.", field="email"
            )
        establishments = await self._grants.check(command.siren, [command.grant])
        email_out = Outgoing(PRODUCER, context)
        access_granted(
            email_out, delegate, command.siren, [command.grant], establishments, self._links, after_request=False
        )
        [habilitation] = await self._grants.grant(
            delegate.account_id,
            command.siren,
            [command.grant],
            command.actor.account_id,
            Via.DELEGATION,
            context,
            extra_messages=email_out,
        )
        return habilitation_v1(habilitation, await self._accounts.many([command.actor.account_id]))
