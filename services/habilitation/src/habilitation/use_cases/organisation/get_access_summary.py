"""What `GET /api/v1/me` shows of access management: managed organisations, habilitations, the red badge,
and whether the person must enrol a second factor before using their rights."""

from contracts import habilitation_management as hm
from contracts.habilitation_management import AccessSummaryV1
from efp_runtime.message_context import MessageContext
from habilitation.domain.second_factor import SecondFactorPolicy
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
        second_factor: SecondFactorPolicy,
    ) -> None:
        self._habilitations = habilitations
        self._rights = rights
        self._requests = requests
        self._accounts = accounts
        self._clock = clock
        self._second_factor = second_factor

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
            # An appointed manager too (`managed` holds their right): the web asks for enrolment before the charter.
            second_factor_required=self._second_factor.asks_enrolment(command.actor.kind == "agent" or bool(managed)),
        )
