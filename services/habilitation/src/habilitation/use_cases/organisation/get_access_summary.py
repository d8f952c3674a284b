"""What `GET /api/v1/me` shows of access management: managed organisations, habilitations, the red badge."""

from contracts import habilitation_management as hm
from contracts.habilitation_management import AccessSummaryV1
from efp_runtime.message_context import MessageContext
from habilitation.use_cases.access_requests.ports import AccessRequests
from habilitation.use_cases.habilitations.views import habilitation_v1
from habilitation.use_cases.ports import Accounts, Clock, Habilitations, ManagerRights


class GetAccessSummary:
    def __init__(
        self,
        habilitations: Habilitations,
        rights: ManagerRights,
        requests: AccessRequests,
        accounts: Accounts,
        clock: Clock,
    ) -> None:
        self._habilitations = habilitations
        self._rights = rights
        self._requests = requests
        self._accounts = accounts
        self._clock = clock

    async def __call__(self, command: hm.GetAccessSummaryV1, context: MessageContext) -> AccessSummaryV1:
        today = self._clock().date()
        # Past its end date a habilitation is gone, even before the sweeper records it.
        held = [h for h in await self._habilitations.of_account(command.actor.account_id) if h.allows(today)]
        managed = await self._rights.managed_by(command.actor.account_id)
        # The badge counts the requests of the organisations whose charter is accepted: the others' cannot be seen yet.
        rights = [await self._rights.get(command.actor.account_id, siren) for siren in managed]
        usable = [r.siren for r in rights if r is not None and r.active]
        names = await self._accounts.many([h.granted_by for h in held])
        return AccessSummaryV1(
            manager_of=managed,
            habilitations=[habilitation_v1(h, names) for h in held],
            pending_access_requests_to_review=await self._requests.count_pending(usable),
        )
