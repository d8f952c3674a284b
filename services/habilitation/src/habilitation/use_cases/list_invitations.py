"""« Invitations en attente de connexion » (guide §6.3): an organisation's invitations, as its managers see them."""

from contracts.habilitation import ActorV1
from contracts.invitations import InvitationsV1
from habilitation.domain.errors import InvalidInput
from habilitation.domain.invitation import InvitationState
from habilitation.use_cases.access_control import require_manager
from habilitation.use_cases.invitation_outgoing import invitation_v1
from habilitation.use_cases.invitation_ports import Invitations
from habilitation.use_cases.page_ports import BAD_CURSOR, NEWEST_FIRST_KEY_LENGTH, RecordFilter
from habilitation.use_cases.ports import Accounts, Clock, ManagerRights


class ListInvitations:
    def __init__(self, invitations: Invitations, rights: ManagerRights, accounts: Accounts, clock: Clock) -> None:
        self._invitations = invitations
        self._rights = rights
        self._accounts = accounts
        self._clock = clock

    async def __call__(
        self,
        actor: ActorV1,
        siren: str,
        status: str | None,
        siret: str | None = None,
        q: str | None = None,
        after: list[str] | None = None,
        limit: int | None = None,
    ) -> InvitationsV1:
        await require_manager(self._rights, actor, siren)
        if after is not None and len(after) != NEWEST_FIRST_KEY_LENGTH:
            raise InvalidInput(BAD_CURSOR, field="cursor")
        now = self._clock()
        filters = RecordFilter(siret, None, q, tuple(after) if after else None, limit)
        page = await self._invitations.of_organisation(siren, InvitationState(status) if status else None, now, filters)
        names = await self._accounts.many([i.invited_by for i in page.items])
        return InvitationsV1(
            invitations=[invitation_v1(i, names, now) for i in page.items],
            next_after=list(page.next_after) if page.next_after else None,
            total=page.total,
        )
