"""« Invitations en attente de connexion » (guide §6.3): an organisation's invitations, as its managers see them."""

from contracts import invitations as inv
from contracts.invitations import InvitationsV1
from efp_runtime.message_context import MessageContext
from habilitation.domain.invitation import InvitationState
from habilitation.domain.second_factor import SecondFactorPolicy
from habilitation.use_cases.invitations.ports import Invitations
from habilitation.use_cases.invitations.views import invitation_v1
from habilitation.use_cases.managers.access_control import require_manager
from habilitation.use_cases.paging import RecordFilter, cursor, next_cursor
from habilitation.use_cases.ports import Accounts, Clock, ManagerRights


class ListInvitations:
    def __init__(
        self,
        invitations: Invitations,
        rights: ManagerRights,
        accounts: Accounts,
        clock: Clock,
        second_factor: SecondFactorPolicy,
    ) -> None:
        self._invitations = invitations
        self._rights = rights
        self._accounts = accounts
        self._clock = clock
        self._second_factor = second_factor

    async def __call__(self, command: inv.ListInvitationsV1, context: MessageContext) -> InvitationsV1:
        await require_manager(self._rights, command.actor, command.siren, self._second_factor)
        after = cursor(command.after)
        now = self._clock()
        filters = RecordFilter(command.siret, None, command.q, after, command.limit)
        page = await self._invitations.of_organisation(
            command.siren, InvitationState(command.status) if command.status else None, now, filters
        )
        names = await self._accounts.many([i.invited_by for i in page.items])
        return InvitationsV1(
            invitations=[invitation_v1(i, names, now) for i in page.items],
            next_after=next_cursor(page.next_after),
            total=page.total,
        )
